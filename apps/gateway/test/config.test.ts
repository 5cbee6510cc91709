// The built gateway (dist/main.js) refuses a bad configuration: exit 2, one
// `mailmoat: config: <problem>` line per problem on stderr, nothing started; environment
// overrides reach the running gateway. Needs the build (`npx turbo run build`).
import type { AntispamInput } from "@mailmoat/antispam"
import { GatewayConfig } from "@mailmoat/antispam"
import { spawn } from "node:child_process"
import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, test } from "vitest"
import { tempDir } from "./support/peers.ts"

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url))

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the built main; `until` (a stdout pattern) makes it send SIGTERM once the pattern shows. */
const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}, until?: RegExp): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000)
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString()
      if (until?.test(stdout)) child.kill("SIGTERM")
    })
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

describe("the built gateway and its configuration", () => {
  test("dist/main.js exists (run the build first)", () => {
    expect(existsSync(MAIN)).toBe(true)
  })

  test("a bad configuration: exit 2, one line per problem, nothing started", async () => {
    const file = join(tempDir(), "bad.yaml")
    writeFileSync(
      file,
      [
        "smtp:",
        "  port: abc",
        "  prot: 25",
        "antispam:",
        "  onSpam: bounce",
        "  bypass:",
        "    allowedIps: [10.0.0.0/8, 300.1.1.1/33]",
        "state:",
        "  backend: redis",
        ""
      ].join("\n")
    )
    const r = await run(["--config", file], { MAILMOAT_LOG__LEVEL: "loud" })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^mailmoat: config: smtp\.prot: unknown key \(did you mean port\?\); expected one of host \| port/
      ),
      'mailmoat: config: smtp.port: expected an integer from 0 to 65535 (0 = any free port), got "abc"',
      'mailmoat: config: antispam.onSpam: expected one of none | quarantine | reject | drop, got "bounce"',
      'mailmoat: config: antispam.bypass.allowedIps[1]: expected an IP address or CIDR range, got "300.1.1.1/33"',
      "mailmoat: config: state.url: expected a redis:// URL (or state.redis.sentinel or state.redis.cluster) when state.backend is redis, got nothing",
      'mailmoat: config: log.level: expected one of debug | info | warn | error, got "loud" (set by MAILMOAT_LOG__LEVEL)',
      "mailmoat: the gateway was not started (invalid configuration)"
    ])
  })

  test("protocols.listeners[].serverNames: exit 2 naming each bad entry and what it should be", async () => {
    const dir = tempDir()
    const file = join(dir, "sni.yaml")
    writeFileSync(
      file,
      [
        `dataDir: ${join(dir, "data")}`,
        "protocols:",
        "  listeners:",
        "    - listen: 127.0.0.1:0",
        "      upstream: imap.example.org:993",
        '      serverNames: [imap.example.com, "*.customers.example.net", "bücher.example", "*.com", "a*.example.com", 192.0.2.1]',
        ""
      ].join("\n")
    )
    const r = await run(["--config", file])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    const at = "mailmoat: config: protocols.listeners[0].serverNames"
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      `${at}[2]: expected an ASCII name: clients send an international name as punycode A-labels (write xn--bcher-kva.example), got "bücher.example"`,
      `${at}[3]: expected a wildcard over at least two labels (*.example.com), never a whole top-level domain, got "*.com"`,
      `${at}[4]: expected a wildcard as a whole first label only (*.example.com), got "a*.example.com"`,
      `${at}[5]: expected a host name, not an IP address: clients never send one in SNI (RFC 6066 §3); the listen address is already in the listener's default certificate, got "192.0.2.1"`,
      "mailmoat: the gateway was not started (invalid configuration)"
    ])
  })

  test("state.redis files and variables are checked at start: exit 2 naming each key, no secret printed", async () => {
    const dir = tempDir()
    const file = join(dir, "redis.yaml")
    writeFileSync(
      file,
      [
        `dataDir: ${join(dir, "data")}`,
        "state:",
        "  backend: redis",
        "  url: redis://gw:not-this-one@127.0.0.1:1",
        "  redis:",
        "    passwordFile: missing.pass",
        "    tls: { caFile: missing-ca.pem }",
        ""
      ].join("\n")
    )
    const r = await run(["--config", file])
    expect(r.code).toBe(2)
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "mailmoat: config: state.redis.passwordFile: cannot read missing.pass (ENOENT)",
      "mailmoat: config: state.redis.tls.caFile: cannot read missing-ca.pem (ENOENT)",
      "mailmoat: the gateway was not started (invalid configuration)"
    ])
    expect(r.stdout + r.stderr).not.toContain("not-this-one")
  })

  test("a YAML syntax error names the file and the line; an unknown variable is named", async () => {
    const file = join(tempDir(), "syntax.yaml")
    writeFileSync(file, "smtp:\n  port: 25\n  host: [127.0.0.1\n")
    const r = await run(["--config", file], { MAILMOAT_SMTP__PROT: "25" })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`^mailmoat: config: ${file.replace(/[.\\/]/g, "\\$&")}:\\d+: `, "m"))
    expect(r.stderr).toMatch(
      /^mailmoat: config: MAILMOAT_SMTP__PROT: unknown setting "PROT" under smtp \(did you mean port\?\)/m
    )
  })

  test("environment overrides reach the running gateway (env wins over the file)", async () => {
    const dir = tempDir()
    const file = join(dir, "ok.yaml")
    writeFileSync(file, `dataDir: ${dir}/data\nsmtp:\n  port: 1\n  hostname: file.test\nadmin:\n  enabled: true\n`)
    const r = await run(
      ["--config", file],
      {
        MAILMOAT_SMTP__PORT: "0",
        MAILMOAT_SMTP__HOST: "127.0.0.1",
        MAILMOAT_ADMIN__ENABLED: "false",
        MAILMOAT_ANTISPAM__ENABLED: "false"
      },
      /Press Ctrl\+C/
    )
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/SMTP\s+127\.0\.0\.1:\d+/)
    expect(r.stdout).not.toMatch(/SMTP\s+127\.0\.0\.1:1\b/)
    expect(r.stdout).toMatch(/admin\s+disabled/)
  })

  test("the decoded antispam section is an AntispamInput", () => {
    const decoded = GatewayConfig.decode({ antispam: { rbl: { servers: ["bl.example"] } } })
    if (!decoded.ok) throw new Error(decoded.problems.join("\n"))
    const input: AntispamInput = decoded.config.antispam
    expect(input.rbl?.servers).toEqual(["bl.example"])
  })
})
