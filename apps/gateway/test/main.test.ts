// The command line: configuration errors exit with 2 and start nothing; settings are resolved
// with defaults and relative paths taken from the configuration file's directory.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest"
import { GatewayConfig } from "@mailmoat/antispam"
import { main } from "../src/main.ts"
import { ConfigError, resolveSettings } from "../src/Settings.ts"
import { tempDir } from "./support/peers.ts"

describe("main: bad command lines and configurations exit 2", () => {
  let errors: Array<string>
  beforeEach(() => {
    errors = []
    vi.spyOn(console, "error").mockImplementation((...a: Array<unknown>) => void errors.push(a.join(" ")))
  })
  afterEach(() => vi.restoreAllMocks())

  test("unknown argument", async () => {
    expect(await main(["--bogus"])).toBe(2)
    expect(errors.join()).toContain('unknown argument "--bogus"')
  })

  test("missing file", async () => {
    expect(await main(["--config", "/nonexistent/mailmoat.yaml"])).toBe(2)
    expect(errors[0]).toMatch(
      /^mailmoat: config: \/nonexistent\/mailmoat\.yaml: cannot read the configuration file: ENOENT/
    )
    expect(errors.at(-1)).toBe("mailmoat: the gateway was not started (invalid configuration)")
  })

  test("YAML syntax error names the line", async () => {
    const file = join(tempDir(), "bad.yaml")
    writeFileSync(file, "smtp:\n  port: 25\n   host: [unclosed\n")
    expect(await main(["--config", file])).toBe(2)
    expect(errors[0]).toMatch(/^mailmoat: config: .*bad\.yaml:\d+: .+ \(column \d+\)$/)
  })

  test("an unreadable certificate file is a configuration error", async () => {
    const dir = tempDir()
    const file = join(dir, "tls.yaml")
    writeFileSync(
      file,
      `dataDir: ${dir}/data\nsmtp: { port: 0 }\nadmin: { enabled: false }\nsmtp:\n  port: 0\n  tls: { certFile: missing.pem, keyFile: missing.key }\n`
    )
    // duplicate key: YAML error first
    expect(await main(["--config", file])).toBe(2)
    writeFileSync(
      file,
      `dataDir: ${dir}/data\nadmin: { enabled: false }\nsmtp:\n  port: 0\n  tls: { certFile: missing.pem, keyFile: missing.key }\n`
    )
    expect(await main(["--config", file])).toBe(2)
    expect(errors.at(-1)).toContain("smtp.tls.certFile: cannot read missing.pem")
  })

  test("a list at the top level", async () => {
    const file = join(tempDir(), "list.yaml")
    writeFileSync(file, "- a\n- b\n")
    expect(await main(["--config", file])).toBe(2)
    expect(errors[0]).toBe("mailmoat: config: (top level): expected a mapping of settings, got a list (2 entries)")
  })

  test("every schema problem on its own line, environment overrides included", async () => {
    const file = join(tempDir(), "problems.yaml")
    writeFileSync(file, "smtp:\n  prot: 25\nantispam:\n  onSpam: bounce\n")
    vi.stubEnv("MAILMOAT_ADMIN__PORT", "abc")
    try {
      expect(await main(["--config", file])).toBe(2)
    } finally {
      vi.unstubAllEnvs()
    }
    expect(errors.slice(0, -1)).toEqual([
      expect.stringMatching(/^mailmoat: config: smtp\.prot: unknown key \(did you mean port\?\)/),
      'mailmoat: config: admin.port: expected an integer from 0 to 65535 (0 = any free port), got "abc" (set by MAILMOAT_ADMIN__PORT)',
      'mailmoat: config: antispam.onSpam: expected one of none | quarantine | reject | drop, got "bounce"'
    ])
  })
})

describe("Settings", () => {
  test("embedded defaults: 127.0.0.1:2525, Maildir and quarantine under ./data, admin on 8025", () => {
    const s = resolveSettings({}, "/srv/mm")
    expect(s).toMatchObject({
      dataDir: "/srv/mm/data",
      smtp: { host: "127.0.0.1", port: 2525, maxMessageSize: 64 * 1024 * 1024 },
      delivery: { mode: "maildir", path: "/srv/mm/data/maildir" },
      quarantine: { path: "/srv/mm/data/quarantine" },
      admin: { enabled: true, host: "127.0.0.1", port: 8025 },
      antispam: { enabled: true }
    })
  })

  test("Maildir local domains: listed (lower case), * for every one, unset only on a loopback listener", () => {
    expect(
      resolveSettings({ delivery: { maildir: { domains: ["Example.ORG", "mail.example.net."] } } }, "/srv/mm").delivery
    ).toEqual({
      mode: "maildir",
      path: "/srv/mm/data/maildir",
      domains: ["example.org", "mail.example.net"]
    })
    expect(
      resolveSettings({ smtp: { host: "0.0.0.0" }, delivery: { maildir: { path: "m", domains: ["*"] } } }, "/srv/mm")
        .delivery
    ).toMatchObject({ domains: "every" })
    expect(resolveSettings({ smtp: { host: "::1" } }).delivery).toMatchObject({ domains: "every" })
    for (const host of ["0.0.0.0", "192.0.2.10", "::"])
      expect(() => resolveSettings({ smtp: { host }, delivery: { maildir: "m" } })).toThrow(
        `delivery.maildir.domains: expected the local domains (or ["*"] for every domain) when smtp.host (${host}) is not a loopback address, got nothing`
      )
    // A downstream decides its own recipients: no domains needed.
    expect(
      resolveSettings({ smtp: { host: "0.0.0.0" }, delivery: { downstream: { host: "10.0.0.5" } } }).delivery.mode
    ).toBe("relay")
  })

  test("relative paths are taken from the base; the decoded sections are kept", () => {
    const s = resolveSettings(
      { dataDir: "var", delivery: { maildir: "mail" }, quarantine: { path: "/q" }, antispam: { onSpam: "reject" } },
      "/srv/mm"
    )
    expect([s.dataDir, s.delivery, s.quarantine.path]).toEqual([
      "/srv/mm/var",
      { mode: "maildir", path: "/srv/mm/mail", domains: "every" },
      "/q"
    ])
    expect(s.antispam.onSpam).toBe("reject")
    // The defaults of every state setting (core's config tests check each value).
    const defaults = GatewayConfig.decode({})
    expect(defaults.ok && s.config.state).toEqual(defaults.ok && defaults.config.state)
    expect(s.config.state.backend).toBe("embedded")
  })

  test("accepts the decoded Config, and throws every problem of a raw object that does not decode", () => {
    const decoded = GatewayConfig.decode({ smtp: { port: 2626 } })
    expect(decoded.ok && resolveSettings(decoded.config).smtp.port).toBe(2626)
    let thrown: unknown
    try {
      resolveSettings({ smtp: { port: "x" }, log: { level: "loud" } })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ConfigError)
    expect((thrown as ConfigError).problems).toHaveLength(2)
  })

  test("a downstream switches to relay mode", () => {
    const s = resolveSettings({
      delivery: {
        downstream: { host: "10.0.0.5", port: 10025, protocol: "lmtp", tls: "required", servername: "mx.example" }
      }
    })
    expect(s.delivery).toMatchObject({
      mode: "relay",
      host: "10.0.0.5",
      port: 10025,
      protocol: "lmtp",
      tls: "required",
      servername: "mx.example",
      dataEndMs: 120_000
    })
  })
})
