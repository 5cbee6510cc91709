// The antispam profiles over the core engine: which stages each profile runs, in which phase,
// weights overridden by `antispam.scores`, and the session's phases run before DATA honoured.
import { Dns, Facts } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeClientAntispam, makeServerAntispam } from "../src/index.ts"
import { makeMessage } from "./support/messages.ts"

const dns = Dns.makeStatic({ "7.2.0.192.bl.test": { A: ["127.0.0.2"] } })
const listed = (rcptTo = ["user@example.org"]) => makeMessage({ envelope: { clientAddress: "192.0.2.7", rcptTo } })
const server = (config: Parameters<typeof makeServerAntispam>[0]) =>
  makeServerAntispam(config, { dns, healthIntervalMillis: 0 })

describe("antispam profiles", () => {
  it("the server profile lists its stages by phase; switched-off stages are not built", async () => {
    const m = server({ rbl: { servers: ["bl.test"] }, maxScanSizeKB: 100 })
    expect(m.engine.stages.map((s) => `${s.phase}:${s.name}`)).toEqual([
      "connect:allowed-ips",
      "mail:session-bypass",
      "data:size",
      "data:attachments",
      "data:auth",
      "data:rbl",
      "data:dnsbl",
      "data:enduser"
    ])
    await m.close()
    const off = server({ endUserBlocklist: { enabled: false }, attachments: { enabled: false } })
    expect(off.engine.stages.map((s) => s.name)).not.toContain("enduser")
    expect(off.engine.stages.map((s) => s.name)).not.toContain("attachments")
    expect(off.engine.stages.map((s) => s.name)).not.toContain("size")
    await off.close()
  })

  it("antispam.scores overrides a declared weight; an undeclared name fails at start-up", async () => {
    const m = server({ rbl: { servers: ["bl.test"] }, scores: { RBL_LISTED: 4 } })
    const [o] = await Effect.runPromise(m.evaluate(listed()))
    expect(o!.verdict).toMatchObject({ class: "ham", score: 4 })
    expect(o!.verdict.symbols.find((s) => s.name === "RBL_LISTED")?.score).toBe(4)
    await m.close()
    expect(() => server({ scores: { RBL_LISTD: 4 } })).toThrow(/no stage declares RBL_LISTD/)
  })

  it("defaults come from the configuration schema (one declaration)", async () => {
    const m = server({ rbl: { servers: ["bl.test"] } })
    const [o] = await Effect.runPromise(m.evaluate(listed()))
    expect(o!.action._tag).toBe("Quarantine") // onSpam's default
    expect(o!.verdict.score).toBe(6) // RBL_LISTED's declared weight, spamScore 5
    await m.close()
    expect(() => server({ rbl: { timeoutSeconds: -1 } })).toThrow(
      /antispam\.rbl\.timeoutSeconds: expected a number >= 0/
    )
  })

  it("phases the SMTP session already ran are handed to data and not run again", async () => {
    const m = server({ rbl: { servers: ["bl.test"] }, bypass: { allowedIps: ["192.0.2.0/24"] } })
    const message = listed(["a@example.org"])
    const facts = Facts.make()
    const connect = await Effect.runPromise(m.engine.connect(message.envelope, facts))
    expect(connect.decided).toMatchObject({ stage: "allowed-ips", decision: { _tag: "Bypass", rule: "allowedIps" } })
    const [o] = await Effect.runPromise(m.data(message, { connect, facts }))
    expect(o!.rule).toBe("bypass: allowedIps (client 192.0.2.7 in allowedIps 192.0.2.0/24)")
    expect(m.counters()).toMatchObject({ messages: 1, bypassed: 1 })
    await m.close()
  })

  it("the client profile judges a download without recipients: no bypass by the proxy's own address, no deferral", async () => {
    const c = makeClientAntispam(
      {
        rbl: { servers: ["bl.test"] },
        bypass: { allowedIps: ["127.0.0.0/8"] },
        tempReject: { enabled: true },
        onSpam: "reject"
      },
      { dns, healthIntervalMillis: 0 }
    )
    expect(c.engine.stages.map((s) => s.name)).toEqual(["attachments", "rbl", "dnsbl", "enduser"])
    const download = makeMessage({
      envelope: { clientAddress: "127.0.0.1", localAddress: "127.0.0.1" },
      received: [{ ip: "192.0.2.7", helo: "mx.sender.example" }]
    })
    const o = await Effect.runPromise(c.judge(download))
    expect(o.verdict.class).toBe("spam")
    expect(o.action._tag).toBe("Deliver") // the proxy tags; a download is never refused
    await c.close()
  })
})
