// A bulk sender's next message, every answer it needs remembered (the DNS cache, the list
// answers, the SPF and DMARC-record checks): the data stages answer at once (a finished effect,
// no fiber to wait for) and the whole evaluation finishes as it started, with the outcome the
// first message got.
import { Dns, Facts, type RecipientOutcome } from "@mailmoat/core"
import { Effect, Exit } from "effect"
import { describe, expect, test } from "vitest"
import { makeServerAntispam } from "../../src/index.ts"
import { bulkMessage } from "./support/bulkMessage.ts"
import { RECORDS, zoneOf } from "./support/world.ts"

const msgOf = bulkMessage
const timeless = (outs: ReadonlyArray<RecipientOutcome>) =>
  JSON.parse(JSON.stringify(outs, (k, v) => (k === "millis" || k === "cached" ? undefined : v)))

describe("a repeated message answered at once", () => {
  test("its data stages give finished effects, its evaluation finishes as it started, the same outcome", async () => {
    const inner = Dns.makeStatic(zoneOf(RECORDS))
    const module = makeServerAntispam(
      { rbl: { servers: ["bl.test"] }, dnsbl: { servers: ["dbl.test"] } },
      { dns: Dns.withCache(inner), healthIntervalMillis: 0, authservId: "gw.test" }
    )
    try {
      const first = await Effect.runPromise(module.evaluate(msgOf()))
      const asked = inner.queries.length
      expect(asked).toBeGreaterThan(0)
      const again = Effect.runSync(module.evaluate(msgOf()))
      expect(timeless(again)).toEqual(timeless(first))
      expect(inner.queries.length).toBe(asked)
      const stages = module.engine.stages.filter((s) => s.phase === "data")
      expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(["rbl", "dnsbl", "auth", "enduser"]))
      const m = msgOf()
      const facts = Facts.make()
      const input = { phase: "data" as const, message: m, recipients: m.envelope.rcptTo, facts }
      // Called in a fiber, as the pipeline calls them. The end-user stage still waits: its local
      // list's answers (TTL 0) are never cached, and it asks them through the runner's Effect path.
      const finished = Effect.runSync(
        Effect.suspend(() => Effect.succeed(stages.map((s) => [s.name, Exit.isExit(s.run(input))] as const)))
      )
      expect(Object.fromEntries(finished)).toEqual({
        attachments: true,
        rbl: true,
        dnsbl: true,
        auth: true,
        enduser: false
      })
    } finally {
      await module.close()
    }
  })
})
