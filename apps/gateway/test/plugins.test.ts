// Plugins inside the running gateway: both example plugins (examples/http-reputation against a
// local node:http reputation API, examples/cidr-file against a temp list file) are configured by
// path, loaded before SMTP listens, and decide over a real SMTP session. The client is
// 127.0.0.1, our own address, so a `Received: ... [192.0.2.7]` header names the sender.
// Also: an unreachable API is PLUGIN_UNKNOWN (not spam), a bad plugin option refuses the start
// (and exits 2 through the built dist/main.js), a hanging inline plugin is contained.
import { execFileSync, spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { PluginLoadError, type RunningGateway } from "../src/index.ts"
import { gateway, sendRaw, tempDir } from "./support/peers.ts"

const ROOT = fileURLToPath(new URL("../../../", import.meta.url))
const HTTP_PLUGIN = join(ROOT, "examples/http-reputation")
const CIDR_PLUGIN = join(ROOT, "examples/cidr-file")
const SDK_DIST = join(ROOT, "packages/sdk/dist/index.js")
const MAIN = join(ROOT, "apps/gateway/dist/main.js")

// The plugins are loaded as a third party's would be: from their package's built entry point.
const ensureBuilt = (dir: string) => {
  if (!existsSync(join(dir, "dist/index.js"))) execFileSync("npx", ["tsup"], { cwd: dir, stdio: "ignore" })
}

// The reputation API: listed values answer 200 {listed: true}, the rest 404.
const LISTED: Record<string, unknown> = {
  "ip/192.0.2.7": { listed: true, score: 6, reason: "test botnet", codes: ["bot"], ttl: 0 },
  "domain/rep-listed.example": { listed: true, score: 6, reason: "phishing", ttl: 0 }
}
let api: Server
let apiUrl: string
const asked: Array<string> = []

const received = (ip: string) =>
  `Received: from relay.example (relay.example [${ip}])\r\n\tby mx.example with ESMTP; Mon, 1 Dec 2025 00:00:00 +0000`
const message = (subject: string, ip: string, from = "alice@sender.example") =>
  `${received(ip)}\r\nFrom: Alice <${from}>\r\nTo: user@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, "")}@sender.example>\r\n\r\nhello\r\n`

/** Every delivered file under the gateway's maildir that contains `needle`. */
const delivered = (gw: RunningGateway, needle: string): Array<string> => {
  const root = gw.delivery.replace(/^maildir /, "")
  const out: Array<string> = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (dir.endsWith("/new")) {
        const text = readFileSync(p, "utf8")
        if (text.includes(needle)) out.push(text)
      }
    }
  }
  if (existsSync(root)) walk(root)
  return out
}

const running: Array<RunningGateway> = []
const start = async (plugins: ReadonlyArray<Record<string, unknown>>, base: string) => {
  const gw = await gateway(
    { antispam: { onSpam: "reject", endUserBlocklist: { enabled: false } }, classifier: { enabled: false }, plugins },
    { base }
  )
  running.push(gw)
  return gw
}
const send = (gw: RunningGateway, subject: string, ip: string, from?: string) =>
  sendRaw(gw.smtp.port, { from: from ?? "alice@sender.example", to: ["user@example.test"] }, message(subject, ip, from))

beforeAll(async () => {
  ensureBuilt(HTTP_PLUGIN)
  ensureBuilt(CIDR_PLUGIN)
  api = createServer((req, res) => {
    const key = decodeURIComponent((req.url ?? "").replace(/^\/v1\//, ""))
    asked.push(key)
    const body = LISTED[key]
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" })
    res.end(JSON.stringify(body ?? { listed: false }))
  })
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve))
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1`
})
afterAll(async () => {
  for (const g of running) await g.close()
  api?.closeAllConnections()
  await new Promise((resolve) => api?.close(resolve))
})

describe("example plugins in the gateway", () => {
  let gw: RunningGateway
  beforeAll(async () => {
    const base = tempDir("mailmoat-plugins-")
    writeFileSync(join(base, "blocked.txt"), "# test list\n198.51.100.0/24\n@spammer.example\n")
    gw = await start(
      [
        { use: HTTP_PLUGIN, options: { url: apiUrl, timeoutMillis: 1000 } },
        // A path relative to the config file's directory (`base`).
        { use: CIDR_PLUGIN, options: { file: "blocked.txt", score: 6, pollMillis: 0 } }
      ],
      base
    )
  })

  test("the status shows both plugins and their providers", () => {
    const plugins = gw.status().modules.plugins as ReadonlyArray<{
      name: string
      providers: ReadonlyArray<{ name: string }>
    }>
    expect(plugins.map((p) => [p.name, p.providers.map((x) => x.name)])).toEqual([
      ["@mailmoat/example-http-reputation", ["http-reputation"]],
      ["@mailmoat/example-cidr-file", ["cidr-file"]]
    ])
  })

  test("a sender IP the reputation API lists: onSpam reject answers 550 5.7.1", async () => {
    const r = await send(gw, "plugin rep ip", "192.0.2.7")
    expect(r.data).toMatch(/^550 5\.7\.1/)
    expect(asked).toContain("ip/192.0.2.7")
  })

  test("a From domain the reputation API lists is rejected too", async () => {
    const r = await send(gw, "plugin rep domain", "192.0.2.20", "bob@rep-listed.example")
    expect(r.data).toMatch(/^550 5\.7\.1/)
  })

  test("a sender IP in the CIDR file, and an address at a listed domain: 550", async () => {
    expect((await send(gw, "plugin cidr ip", "198.51.100.9")).data).toMatch(/^550 5\.7\.1/)
    expect((await send(gw, "plugin cidr address", "192.0.2.21", "eve@spammer.example")).data).toMatch(/^550 5\.7\.1/)
  })

  test("listed nowhere: 250, delivered as ham after asking both plugins", async () => {
    const r = await send(gw, "plugin clean", "192.0.2.30")
    expect(r.data).toMatch(/^250 /)
    expect(asked).toContain("ip/192.0.2.30")
    const [copy] = delivered(gw, "Subject: plugin clean")
    expect(copy).toContain("X-Mailmoat-Verdict: ham")
  })
})

describe("plugin failures never make mail spam", () => {
  test("the reputation API is down: 250, PLUGIN_UNKNOWN, verdict unsure", async () => {
    // A port that was free a moment ago: connections are refused.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const gw = await start(
      [{ use: HTTP_PLUGIN, options: { url: `http://127.0.0.1:${port}/v1`, timeoutMillis: 1000 } }],
      tempDir()
    )
    const r = await send(gw, "plugin api down", "192.0.2.7")
    expect(r.data).toMatch(/^250 /)
    const [copy] = delivered(gw, "Subject: plugin api down")
    expect(copy).toContain("X-Mailmoat-Verdict: unsure")
    expect(copy).toMatch(/X-Mailmoat-Symbols: .*PLUGIN_UNKNOWN/)
    expect(copy).not.toContain("PLUGIN_LISTED")
  })

  test("an inline plugin whose provider and stage hang: a reply within the budget, not spam", async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, "hang.mjs"),
      [
        `import { defineBlocklistProvider, definePlugin, defineStage, SDK_API_VERSION } from ${JSON.stringify(pathToFileURL(SDK_DIST).href)}`,
        "export default definePlugin({",
        '  name: "hang-test", apiVersion: SDK_API_VERSION,',
        "  setup: () => ({",
        '    providers: [defineBlocklistProvider({ name: "hangs", kinds: ["ip", "domain", "address"], timeoutMillis: 300, check: () => new Promise(() => {}) })],',
        '    stages: [defineStage({ name: "hang-stage", phase: "data", budgetMillis: 300, symbols: { HANG_X: { weight: 50, description: "never" } }, run: () => new Promise(() => {}) })]',
        "  })",
        "})",
        ""
      ].join("\n")
    )
    const logs: Array<string> = []
    const gw = await gateway(
      {
        antispam: { onSpam: "reject", endUserBlocklist: { enabled: false } },
        classifier: { enabled: false },
        plugins: [{ use: "./hang.mjs" }]
      },
      { base: dir, log: (l) => logs.push(l) }
    )
    running.push(gw)
    const r = await send(gw, "plugin hangs", "192.0.2.7")
    expect(r.data).toMatch(/^250 /)
    // The stage's 300 ms budget ended it: the pipeline's deadline ("timeout") or the plugin
    // runner's own of the same length ("failed:Timeout"), whichever timer ran first. (A
    // wall-clock bound failed when this loaded process stalled; a hang never answers at all.)
    expect(logs.filter((l) => / stage_failed .*stage="hang-stage"/.test(l))).toEqual([
      expect.stringMatching(/ warn stage_failed queue="[^"]+" stage="hang-stage" outcome="(timeout|failed:Timeout)"$/)
    ])
    const [copy] = delivered(gw, "Subject: plugin hangs")
    expect(copy).toContain("X-Mailmoat-Verdict: unsure")
    expect(copy).toMatch(/X-Mailmoat-Symbols: .*PLUGIN_UNKNOWN/)
    expect(copy).not.toContain("HANG_X")
  })
})

describe("connect- and rcpt-phase plugin stages run in the SMTP session", () => {
  test("a rcpt stage refuses one recipient (550 5.7.1) and tempfails another; the rest get the message", async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, "rcpt.mjs"),
      [
        `import { definePlugin, defineStage, SDK_API_VERSION } from ${JSON.stringify(pathToFileURL(SDK_DIST).href)}`,
        "export default definePlugin({",
        '  name: "rcpt-policy", apiVersion: SDK_API_VERSION,',
        "  setup: () => ({",
        '    stages: [defineStage({ name: "rcpt-policy", phase: "rcpt", symbols: {}, run: (ctx) =>',
        '      ctx.recipient.startsWith("gone@") ? { decision: { action: "reject", reason: "no such mailbox here" } }',
        '      : ctx.recipient.startsWith("busy@") ? { decision: { action: "tempfail", reason: "mailbox busy" } } : undefined })]',
        "  })",
        "})",
        ""
      ].join("\n")
    )
    const gw = await start([{ use: "./rcpt.mjs" }], dir)
    const r = await sendRaw(
      gw.smtp.port,
      { from: "alice@sender.example", to: ["gone@example.test", "busy@example.test", "user@example.test"] },
      "Subject: rcpt stage\r\n\r\nhello\r\n"
    )
    expect(r.rcpt[0]).toMatch(/^550 5\.7\.1 Recipient refused: no such mailbox here/)
    expect(r.rcpt[1]).toMatch(/^451 4\.7\.1 /)
    expect(r.rcpt[2]).toMatch(/^250 /)
    expect(r.data).toMatch(/^250 /)
    expect(delivered(gw, "Subject: rcpt stage")).toHaveLength(1)
  })

  test("a connect stage that rejects the client: 554 instead of the greeting", async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, "connect.mjs"),
      [
        `import { definePlugin, defineStage, SDK_API_VERSION } from ${JSON.stringify(pathToFileURL(SDK_DIST).href)}`,
        "export default definePlugin({",
        '  name: "no-loopback", apiVersion: SDK_API_VERSION,',
        '  setup: () => ({ stages: [defineStage({ name: "no-loopback", phase: "connect", symbols: {}, run: (ctx) =>',
        '    ctx.envelope.clientAddress === "127.0.0.1" ? { decision: { action: "reject", reason: "not from here" } } : undefined })] })',
        "})",
        ""
      ].join("\n")
    )
    const gw = await start([{ use: "./connect.mjs" }], dir)
    const { RawClient } = await import("../../../packages/protocols/test/smtp/support/peers.ts")
    const c = await RawClient.connect(gw.smtp.port)
    expect(await c.waitFor(/^\d{3} .*\r\n/m)).toMatch(/^554 5\.7\.1 Connection refused: not from here/)
    await c.waitClosed()
  })
})

describe("plugin configuration problems refuse the start", () => {
  test("a bad option: startGateway rejects naming plugins[0] and the option, nothing listens", async () => {
    const error = await start(
      [{ use: HTTP_PLUGIN, options: { url: "ftp://nope", timeoutMillis: "soon" } }],
      tempDir()
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PluginLoadError)
    const problems = (error as PluginLoadError).problems
    expect(problems.length).toBe(2)
    for (const p of problems)
      expect(p).toMatch(/^plugins\[0\] \(.*examples\/http-reputation\)\.options\.(url|timeoutMillis): /)
    expect((error as Error).message.split("\n")).toEqual(problems)
  })

  test("a missing plugin and a second bad one: every problem is listed", async () => {
    const error = await start(
      [{ use: "./missing.mjs" }, { use: CIDR_PLUGIN, options: { file: "x", bogus: 1 } }],
      tempDir()
    ).catch((e: unknown) => e)
    expect((error as PluginLoadError).problems).toEqual([
      expect.stringMatching(/^plugins\[0\] \(\.\/missing\.mjs\): cannot load: no file or directory /),
      expect.stringMatching(/^plugins\[1\] \(.*examples\/cidr-file\)\.options\.bogus: /)
    ])
  })

  test("through the built dist/main.js: exit 2, one `mailmoat: config:` line per problem", async () => {
    expect(existsSync(MAIN)).toBe(true)
    const dir = tempDir()
    const file = join(dir, "gateway.yaml")
    writeFileSync(
      file,
      [
        `dataDir: ${dir}/data`,
        "smtp: { host: 127.0.0.1, port: 0 }",
        "admin: { enabled: false }",
        "plugins:",
        `  - use: ${JSON.stringify(HTTP_PLUGIN)}`,
        "    options: { url: 3 }",
        ""
      ].join("\n")
    )
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, "--config", file], {
        env: { PATH: process.env.PATH ?? "" },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000)
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
      child.on("error", reject)
      child.on("close", (code) => {
        clearTimeout(timer)
        resolve({ code, stdout, stderr })
      })
    })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^mailmoat: config: plugins\[0\] \(.*examples\/http-reputation\)\.options\.url: Expected string, got 3$/
      ),
      "mailmoat: the gateway was not started (invalid plugin configuration)"
    ])
  })
})
