// Live configuration reload: POST /api/reload and SIGHUP re-read the file; a bad file is refused
// (422, one line per problem, the log says why) and the running configuration keeps serving; a
// good one applies to new sessions while a session in flight finishes under the old one.
import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { GatewayConfig } from "@mailmoat/antispam"
import { ConfigFile } from "@mailmoat/platform-node"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type RunningGateway, startGateway } from "../src/index.ts"
import { api, GTUBE, TOKEN } from "./support/admin.ts"
import { RawClient, REPLY_WAIT_MS, sendRaw, tempDir } from "./support/peers.ts"

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url))

const yaml = (dir: string, onSpam: string, extra = "") =>
  [
    `dataDir: ${dir}/data`,
    "smtp: { host: 127.0.0.1, port: 0, hostname: gw.test }",
    `admin: { host: 127.0.0.1, port: 0, token: ${TOKEN} }`,
    "antispam:",
    `  onSpam: ${onSpam}`,
    "  endUserBlocklist: { enabled: false }",
    extra,
    ""
  ].join("\n")

const gtube = (subject: string) => `Subject: ${subject}\r\n\r\n${GTUBE}\r\n`

describe("reload through the API", () => {
  let gw: RunningGateway
  let file: string
  let dir: string
  const logged: Array<string> = []
  beforeAll(async () => {
    dir = tempDir()
    file = join(dir, "mailmoat.yaml")
    writeFileSync(file, yaml(dir, "quarantine"))
    const load = () => ConfigFile.load(GatewayConfig.codec, { file })
    const first = load()
    if (!first.ok) throw new Error(first.problems.join("\n"))
    gw = await startGateway(first.config, {
      base: dir,
      log: (l) => logged.push(l),
      reloadConfig: load,
      shutdownTimeoutMs: 5000
    })
  })
  afterAll(() => gw?.close())

  test("a bad file is refused with 422 and one line per problem; the old configuration keeps serving", async () => {
    writeFileSync(file, yaml(dir, "bounce", "log: { level: loud }"))
    const r = await api(gw, "POST", "/api/reload")
    expect(r.status).toBe(422)
    expect(r.json).toEqual({
      ok: false,
      problems: [
        'antispam.onSpam: expected one of none | quarantine | reject | drop, got "bounce"',
        'log.level: expected one of debug | info | warn | error, got "loud"'
      ]
    })
    expect(logged.join("\n")).toContain(
      "reload refused: antispam.onSpam: expected one of none | quarantine | reject | drop, got "
    )
    expect(logged.join("\n")).toContain("reload refused: the running configuration stays in force")
    const sent = await sendRaw(
      gw.smtp.port,
      { from: "s@spam.test", to: ["u@example.test"] },
      gtube("after a bad reload")
    )
    expect(sent.data).toMatch(/^250 /)
    expect((await api(gw, "GET", "/api/quarantine?q=after+a+bad+reload")).json.total).toBe(1)
  })

  test("a missing plugin is refused too (the new wiring is built before it replaces the old)", async () => {
    writeFileSync(file, yaml(dir, "reject", "plugins:\n  - use: ./no-such-plugin.mjs"))
    const r = await api(gw, "POST", "/api/reload")
    expect(r.status).toBe(422)
    expect((r.json.problems as Array<string>)[0]).toMatch(/^plugins\[0\]/)
    expect(
      (await sendRaw(gw.smtp.port, { from: "s@spam.test", to: ["u@example.test"] }, gtube("still quarantining"))).data
    ).toMatch(/^250 /)
  })

  test("a good file applies to new sessions; a transaction in flight finishes under the old configuration", async () => {
    const c = await RawClient.connect(gw.smtp.port)
    try {
      await c.waitFor(/^220 .*\r\n/m)
      c.write("EHLO client.test\r\n")
      await c.waitFor(/^250 .*\r\n/m, REPLY_WAIT_MS, c.received.indexOf("\r\n") + 2)
      let mark = c.received.length
      c.write("MAIL FROM:<s@spam.test>\r\n")
      await c.waitFor(/^250 .*\r\n/m, REPLY_WAIT_MS, mark)
      mark = c.received.length
      c.write("RCPT TO:<inflight@example.test>\r\n")
      await c.waitFor(/^250 .*\r\n/m, REPLY_WAIT_MS, mark)

      writeFileSync(file, yaml(dir, "reject"))
      const r = await api(gw, "POST", "/api/reload")
      expect(r.status).toBe(200)
      expect(r.json).toEqual({ ok: true, restartNeeded: [] })
      expect(logged.join("\n")).toContain("reload: configuration applied to new sessions")

      // A new session already gets the new rules.
      expect(
        (await sendRaw(gw.smtp.port, { from: "s@spam.test", to: ["new@example.test"] }, gtube("new session"))).data
      ).toMatch(/^550 5\.7\.1 /)
      // The session that began before finishes under the old rules (quarantine, 250).
      mark = c.received.length
      c.write("DATA\r\n")
      await c.waitFor(/^354 .*\r\n/m, REPLY_WAIT_MS, mark)
      mark = c.received.length
      c.write(`${gtube("in flight")}\r\n.\r\n`)
      expect((await c.waitFor(/^\d{3} .*\r\n/m, REPLY_WAIT_MS, mark)).trim()).toMatch(/^250 /)
    } finally {
      c.close()
    }
    expect((await api(gw, "GET", "/api/quarantine?q=in+flight")).json.total).toBe(1)
    // What needs a restart is named, and the rest still applies.
    writeFileSync(
      file,
      yaml(dir, "quarantine", `dataDir: ${tempDir()}`)
        .replace(`dataDir: ${dir}/data\n`, "")
        .replace(
          "smtp: { host: 127.0.0.1, port: 0, hostname: gw.test }",
          "smtp: { host: 127.0.0.1, port: 0, hostname: gw.test, maxConnections: 7 }"
        )
    )
    const moved = await api(gw, "POST", "/api/reload")
    expect(moved.json).toEqual({ ok: true, restartNeeded: ["dataDir", "smtp.maxConnections", "quarantine.path"] })
    expect(
      (await sendRaw(gw.smtp.port, { from: "s@spam.test", to: ["u@example.test"] }, gtube("quarantine again"))).data
    ).toMatch(/^250 /)
  })
})

describe("reload on SIGHUP (the built gateway)", () => {
  test("SIGHUP with a bad file prints why and keeps running; with a good file it applies", async () => {
    const dir = tempDir()
    const file = join(dir, "mailmoat.yaml")
    writeFileSync(file, yaml(dir, "quarantine"))
    const child = spawn(process.execPath, [MAIN, "--config", file], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.on("data", (d: Buffer) => (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    const until = async (what: () => boolean, label: string) => {
      for (let i = 0; i < 600 && !what(); i++) await new Promise((r) => setTimeout(r, 100))
      if (!what()) throw new Error(`timed out waiting for ${label}\nstdout: ${out}\nstderr: ${err}`)
    }
    try {
      await until(() => out.includes("Press Ctrl+C to stop."), "the banner")
      writeFileSync(file, yaml(dir, "bounce"))
      child.kill("SIGHUP")
      await until(() => out.includes("the running configuration stays in force"), "the refusal")
      expect(out).toContain("reload refused: antispam.onSpam: expected one of none | quarantine | reject | drop, got ")
      writeFileSync(file, yaml(dir, "reject"))
      child.kill("SIGHUP")
      await until(() => out.includes("reload: configuration applied to new sessions"), "the reload")
      expect(child.exitCode).toBeNull()
    } finally {
      child.kill("SIGTERM")
      await new Promise((r) => child.once("close", r))
    }
  }, 120_000)
})
