// End to end: swaks (bound to 127.0.0.2) -> gateway -> server antispam module (resolver pointed
// at a real rbldnsd) -> smtp-sink / quarantine / SMTP reply. Every `onSpam` action, a bypass,
// and temporary rejection are observed on the wire and at the destination.
//
// Most cases inject the module with list-health probing off (a zone that never answers must stay
// unsuspended for the temporary-rejection case); the last case runs the gateway's own wiring
// from the configuration file's `antispam` section.
import { readdirSync } from "node:fs"
import { MessageModel } from "@mailmoat/core"
import { type AntispamInput, makeServerAntispam } from "@mailmoat/antispam"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import type { Evaluate, RunningGateway } from "../src/index.ts"
import { gateway, SmtpSink, swaks } from "./support/peers.ts"

describe("antispam actions through a real SMTP session", () => {
  let rbl: Rbldnsd
  let sink: SmtpSink
  const running: Array<RunningGateway> = []
  beforeAll(async () => {
    rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
    sink = await SmtpSink.start()
  })
  afterAll(async () => {
    for (const g of running) await g.close()
    await sink?.stop()
    await rbl?.stop()
  })

  const start = async (antispam: AntispamInput) => {
    const module = makeServerAntispam(
      { rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 2 }, endUserBlocklist: { enabled: false }, dns: { servers: [rbl.server] }, ...antispam },
      { healthIntervalMillis: 0 }
    )
    const evaluate: Evaluate = (envelope, spool) => Effect.runPromise(module.evaluate(MessageModel.fromBytes(spool.head, { envelope, size: spool.size })))
    const gw = await gateway({ delivery: { downstream: { host: "127.0.0.1", port: sink.port } } }, { evaluate })
    running.push(gw)
    return gw
  }
  const send = (gw: RunningGateway, subject: string, to = "user@example.test") =>
    swaks(gw.smtp.port, ["--local-interface", "127.0.0.2", "--from", "sender@client.test", "--helo", "client.test", "--to", to, "--header", `Subject: ${subject}`])

  test("onSpam: none delivers with X-Mailmoat headers", async () => {
    const gw = await start({ onSpam: "none" })
    const r = await send(gw, "e2e none")
    expect(r.out).toMatch(/<- {2}250 /)
    const dump = sink.dumpWith("Subject: e2e none")
    expect(dump).toContain("X-Mailmoat-Verdict: spam")
    expect(dump).toMatch(/X-Mailmoat-Symbols: .*RBL_LISTED/)
  })

  test("onSpam: quarantine stores the message and answers 250; nothing reaches the sink", async () => {
    const gw = await start({ onSpam: "quarantine" })
    const before = sink.delivered()
    const r = await send(gw, "e2e quarantine")
    expect(r.out).toMatch(/<- {2}250 /)
    expect(sink.delivered()).toBe(before)
    expect(readdirSync(gw.quarantine, { recursive: true }).length).toBeGreaterThan(0)
  })

  test("onSpam: reject answers 550 5.7.1", async () => {
    const gw = await start({ onSpam: "reject" })
    const r = await send(gw, "e2e reject")
    expect(r.out).toMatch(/<\*\* +550 5\.7\.1/)
  })

  test("onSpam: drop answers 250 and keeps nothing", async () => {
    const gw = await start({ onSpam: "drop" })
    const before = sink.delivered()
    const r = await send(gw, "e2e drop")
    expect(r.out).toMatch(/<- {2}250 /)
    expect(sink.delivered()).toBe(before)
    expect(readdirSync(gw.quarantine, { recursive: true })).toHaveLength(0)
  })

  test("allowedIps bypass delivers a listed client untouched by the lists", async () => {
    const gw = await start({ onSpam: "reject", bypass: { allowedIps: ["127.0.0.2/32"] } })
    rbl.resetQueries()
    const r = await send(gw, "e2e bypass")
    expect(r.out).toMatch(/<- {2}250 /)
    expect(sink.dumpWith("Subject: e2e bypass")).toContain("X-Mailmoat-Verdict: bypass")
    expect((await rbl.settledQueries()).filter((q) => q.endsWith(".bl.test A"))).toEqual([])
  })

  test("temporary rejection answers 451 4.7.1 for an unsure message", async () => {
    const gw = await start({ rbl: { servers: ["nozone.test"], skip: [], timeoutSeconds: 2 }, tempReject: { enabled: true } })
    const r = await send(gw, "e2e tempfail")
    expect(r.out).toMatch(/<\*\* +451 4\.7\.1/)
  })

  test("the gateway's own wiring from the configuration: a listed client is rejected, status shows the lists", async () => {
    const gw = await gateway({
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      antispam: { onSpam: "reject", rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 2 }, endUserBlocklist: { enabled: false }, dns: { servers: [rbl.server] } }
    })
    running.push(gw)
    const r = await send(gw, "e2e wired")
    expect(r.out).toMatch(/<\*\* +550 5\.7\.1/)
    expect(gw.status().modules.antispam).toMatchObject({ state: "on", rbl: { zones: ["bl.test"] } })
  })
})
