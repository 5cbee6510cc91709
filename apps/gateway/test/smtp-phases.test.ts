// The engine's connect, mail and rcpt phases run while the SMTP session goes on, over real
// sockets: a refusal is answered at its phase (554/421 instead of the greeting, 550 at RCPT TO
// for that recipient only), a bypass decided at connect is honoured at DATA, and what the phases
// gave is handed to the data phase: a connect stage runs once per connection, its findings and
// the bypass appear once in the trace and the message line. GTUBE is spam through the shipped
// classifier (switched off where a test does not need it).
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, describe, expect, test } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import * as Log from "../src/Log.ts"
import { GTUBE, maildirMessages } from "./support/admin.ts"
import { cmd, gateway, RawClient, sendRaw, session, tempDir } from "./support/peers.ts"

const SDK_DIST = fileURLToPath(new URL("../../../packages/sdk/dist/index.js", import.meta.url))

/** A plugin module in a temp dir; `stages` is the source of its stage list. */
const plugin = (dir: string, name: string, stages: string): string => {
  writeFileSync(
    join(dir, `${name}.mjs`),
    [
      `import { appendFileSync } from "node:fs"`,
      `import { definePlugin, defineStage, SDK_API_VERSION } from ${JSON.stringify(pathToFileURL(SDK_DIST).href)}`,
      `export default definePlugin({ name: ${JSON.stringify(name)}, apiVersion: SDK_API_VERSION, setup: () => ({ stages: [${stages}] }) })`,
      ""
    ].join("\n")
  )
  return `./${name}.mjs`
}

const running: Array<RunningGateway> = []
afterAll(async () => {
  for (const g of running) await g.close()
})

const start = async (config: Record<string, unknown>, base: string) => {
  const lines: Array<string> = []
  const logger = Log.make({ level: "debug", format: "json" }, (l) => lines.push(l), Date.now)
  const gw = await gateway(
    { ...config, antispam: { endUserBlocklist: { enabled: false }, ...(config.antispam as object) } },
    { base, logger }
  )
  running.push(gw)
  return { gw, events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe("phases during the SMTP session", () => {
  test("a rcpt-phase reject refuses that recipient at RCPT TO (550), the others get the message; the connect stage ran once", async () => {
    const dir = tempDir()
    const runs = join(dir, "connect-runs")
    writeFileSync(runs, "")
    const use = plugin(
      dir,
      "phases",
      [
        `defineStage({ name: "connect-seen", phase: "connect", symbols: { CONNECT_SEEN: { weight: 0, description: "seen at connect" } }, run: (ctx) => { appendFileSync(${JSON.stringify(runs)}, ctx.envelope.clientAddress + "\\n"); return [ctx.hit("CONNECT_SEEN")] } })`,
        `defineStage({ name: "no-gone", phase: "rcpt", symbols: {}, run: (ctx) => ctx.recipient.startsWith("gone@") ? { decision: { action: "reject", reason: "no such mailbox" } } : undefined })`
      ].join(", ")
    )
    const { gw, events } = await start({ classifier: { enabled: false }, plugins: [{ use }] }, dir)
    const r = await sendRaw(
      gw.smtp.port,
      { from: "alice@client.test", to: ["user@example.test", "gone@example.test", "carol@example.test"] },
      "Subject: phases\r\n\r\nhello\r\n"
    )
    expect(r.rcpt[0]).toMatch(/^250 /)
    expect(r.rcpt[1]).toMatch(/^550 5\.7\.1 Recipient refused: no such mailbox/)
    expect(r.rcpt[2]).toMatch(/^250 /)
    expect(r.data).toMatch(/^250 /)
    expect(maildirMessages(gw, "user@example.test")).toHaveLength(1)
    expect(maildirMessages(gw, "carol@example.test")).toHaveLength(1)
    expect(maildirMessages(gw, "gone@example.test")).toHaveLength(0)
    // Run once, at connect; its symbol reached the verdict through the hand-over to DATA.
    expect(readFileSync(runs, "utf8")).toBe("127.0.0.1\n")
    expect(maildirMessages(gw, "user@example.test")[0]).toMatch(/X-Mailmoat-Symbols: .*CONNECT_SEEN/)
    const all = events()
    expect(all.filter((e) => e.event === "decided" && e.phase === "rcpt")).toEqual([
      expect.objectContaining({
        level: "info",
        stage: "no-gone",
        decision: "Reject",
        code: 550,
        subject: "gone@example.test"
      })
    ])
    const verdicts = all.filter((e) => e.event === "verdict")
    expect(verdicts.map((v) => v.rcpt)).toEqual(["user@example.test", "carol@example.test"])
    for (const v of verdicts)
      expect(
        String(v.stages)
          .split(",")
          .filter((s) => s === "connect:connect-seen")
      ).toHaveLength(1)
    expect(all.filter((e) => e.event === "message")).toEqual([
      expect.objectContaining({ rcpts: "user@example.test,carol@example.test", code: 250 })
    ])
  })

  test("an allowed IP is bypassed at connect: GTUBE under onSpam reject is delivered, the bypass recorded once", async () => {
    const { gw, events } = await start(
      { antispam: { onSpam: "reject", bypass: { allowedIps: ["127.0.0.1/32"] } } },
      tempDir()
    )
    const r = await sendRaw(
      gw.smtp.port,
      { from: "alice@client.test", to: ["user@example.test"] },
      `Subject: allowed\r\n\r\n${GTUBE}\r\n`
    )
    expect(r.data).toMatch(/^250 /)
    const [copy] = maildirMessages(gw, "user@example.test")
    expect(copy).toContain("X-Mailmoat-Verdict: bypass")
    const all = events()
    expect(all.filter((e) => e.event === "decided")).toEqual([
      expect.objectContaining({ phase: "connect", stage: "allowed-ips", decision: "Bypass" })
    ])
    const [verdict] = all.filter((e) => e.event === "verdict")
    expect(
      String(verdict!.stages)
        .split(",")
        .filter((s) => s.endsWith(":allowed-ips"))
    ).toEqual(["connect:allowed-ips"])
    const [line] = all.filter((e) => e.event === "message")
    expect(line).toMatchObject({ verdict: "ham", action: "Deliver", code: 250 })
    expect(String(line!.rule).match(/bypass/g)).toHaveLength(1)
    expect(String(line!.rule)).toMatch(/^bypass: allowedIps \(client 127\.0\.0\.1 in allowedIps/)
  })

  test("the same GTUBE from a client that is not allowed is refused at DATA (the bypass above was the connect phase's)", async () => {
    const { gw } = await start({ antispam: { onSpam: "reject", bypass: { allowedIps: ["192.0.2.0/24"] } } }, tempDir())
    const r = await sendRaw(
      gw.smtp.port,
      { from: "alice@client.test", to: ["user@example.test"] },
      `Subject: not allowed\r\n\r\n${GTUBE}\r\n`
    )
    expect(r.data).toMatch(/^550 5\.7\.1 /)
  })

  test("a rcpt stage that throws refuses nothing and is one stage_failed line, not a second one at DATA", async () => {
    const dir = tempDir()
    const use = plugin(
      dir,
      "boom",
      `defineStage({ name: "boom", phase: "rcpt", symbols: {}, run: () => { throw new Error("kaputt") } })`
    )
    const { gw, events } = await start({ classifier: { enabled: false }, plugins: [{ use }] }, dir)
    const r = await sendRaw(
      gw.smtp.port,
      { from: "alice@client.test", to: ["user@example.test", "carol@example.test"] },
      "Subject: boom\r\n\r\nhello\r\n"
    )
    expect(r.rcpt).toEqual([expect.stringMatching(/^250 /), expect.stringMatching(/^250 /)])
    expect(r.data).toMatch(/^250 /)
    const failed = events().filter((e) => e.event === "stage_failed")
    expect(failed.map((e) => [e.level, e.phase, e.stage])).toEqual([
      ["warn", "rcpt", "boom"],
      ["warn", "rcpt", "boom"]
    ])
  })

  test("a connect-phase tempfail: 421 instead of the greeting, the connection closed; a mail-phase reject: 550 at MAIL FROM", async () => {
    const dir = tempDir()
    const tempfail = plugin(
      dir,
      "busy",
      `defineStage({ name: "busy", phase: "connect", symbols: {}, run: () => ({ decision: { action: "tempfail", reason: "too busy" } }) })`
    )
    const { gw } = await start({ classifier: { enabled: false }, plugins: [{ use: tempfail }] }, dir)
    const c = await RawClient.connect(gw.smtp.port)
    expect(await c.waitFor(/^\d{3} .*\r\n/m)).toMatch(/^421 4\.7\.0 Try again later: too busy/)
    await c.waitClosed()

    const senders = plugin(
      dir,
      "senders",
      `defineStage({ name: "no-spam-senders", phase: "mail", symbols: {}, run: (ctx) => ctx.envelope.mailFrom.endsWith("@spam.test") ? { decision: { action: "reject", reason: "sender listed" } } : undefined })`
    )
    const { gw: gw2 } = await start({ classifier: { enabled: false }, plugins: [{ use: senders }] }, dir)
    const s = await session(gw2.smtp.port)
    expect(await cmd(s, "MAIL FROM:<x@spam.test>")).toMatch(/^550 5\.7\.1 Sender refused: sender listed/)
    expect(await cmd(s, "MAIL FROM:<alice@client.test>")).toMatch(/^250 /)
    expect(await cmd(s, "RCPT TO:<user@example.test>")).toMatch(/^250 /)
    s.close()
  })
})
