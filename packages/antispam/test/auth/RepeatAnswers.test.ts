// A bulk sender's next message, every answer it needs remembered: the data stages that have
// nothing to wait for give their `answer` as a plain result (no effect value, so no run-loop step,
// generator or fiber), the same result their `run` gives; a stage that has to wait (the end-user
// stage, whose local list's TTL-0 answers are never cached) gives the effect to wait for.
import { Dns, Facts, type Stage, StageAnswers } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import { makeServerAntispam } from "../../src/index.ts"
import { bulkMessage } from "./support/bulkMessage.ts"
import { RECORDS, zoneOf } from "./support/world.ts"

const msgOf = bulkMessage
const timeless = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (k, v) => (k === "millis" || k === "cached" ? undefined : v)))

const inputOf = () => {
  const m = msgOf()
  return { phase: "data" as const, message: m, recipients: m.envelope.rcptTo, facts: Facts.make() }
}

describe("a repeated message's stage answers", () => {
  test("are plain results where nothing is left to wait for, the same as `run`'s", async () => {
    const inner = Dns.makeStatic(zoneOf(RECORDS))
    const module = makeServerAntispam(
      { rbl: { servers: ["bl.test"] }, dnsbl: { servers: ["dbl.test"] } },
      { dns: Dns.withCache(inner), healthIntervalMillis: 0, authservId: "gw.test" }
    )
    try {
      await Effect.runPromise(module.evaluate(msgOf()))
      const stages = module.engine.stages.filter((s) => s.phase === "data")
      // Each stage of a group sees what the earlier groups left in the facts (the RBL's records).
      const inGroups = (call: (s: Stage, input: ReturnType<typeof inputOf>) => unknown) => {
        const input = inputOf()
        return Effect.runSync(
          Effect.suspend(() => Effect.succeed(stages.map((s) => [s.name, call(s, input)] as const)))
        )
      }
      const answers = inGroups((s, input) => s.answer?.(input))
      const waiting = Object.fromEntries(
        answers.map(([name, a]) => [name, a === undefined ? "none" : StageAnswers.isWaiting(a as never)])
      )
      expect(waiting).toEqual({ attachments: false, auth: false, rbl: false, dnsbl: false, enduser: true })
      const runs = inGroups((s, input) => s.run(input))
      for (const [i, [name, a]] of answers.entries()) {
        const result = StageAnswers.isWaiting(a as never) ? await Effect.runPromise(a as Effect.Effect<unknown>) : a
        expect([name, timeless(result)]).toEqual([name, timeless(await Effect.runPromise(runs[i]![1] as never))])
      }
      // Outside a fiber with no clock lent, the lists in force cannot be read now: the effect.
      const outside = stages.find((s) => s.name === "rbl")!.answer!(inputOf())
      expect(StageAnswers.isWaiting(outside)).toBe(true)
    } finally {
      await module.close()
    }
  })
})
