import { fc, test } from "@fast-check/vitest"
import { Envelope, type RecipientOutcome } from "@mailmoat/core"
import { describe, expect } from "vitest"
import * as Log from "../src/Log.ts"
import { messageLine, summarise } from "../src/MessageLine.ts"
import type { Plan } from "../src/RecipientPlan.ts"
import { messageLineBefore } from "./oracle/MessageLineBefore.ts"

const text = fc.string({ maxLength: 12 })
const outcomeArb = fc.record({
  recipient: text,
  class: fc.constantFrom("ham", "unsure", "spam" as const),
  score: fc.double({ min: -50, max: 50, noNaN: true }),
  action: fc.constantFrom("Deliver", "Quarantine", "Reject", "Drop", "Tempfail"),
  rule: text
})
const planArb = fc.constantFrom<Plan>(
  { _tag: "Tempfail", reason: "x" },
  { _tag: "Reject", reason: "y" },
  { _tag: "Accept", deliver: [], quarantine: [], drop: [] }
)

/** Every line both formats write for these fields. */
const lines = (fields: Log.Fields): Array<string> =>
  (["text", "json"] as const).map((format) => {
    const out: Array<string> = []
    Log.make(
      { level: "info", format },
      (l) => out.push(l),
      () => 0
    ).event("info", "message", fields)
    return out.join("\n")
  })

describe("the per-message line", () => {
  test.prop([
    text,
    fc.array(text, { minLength: 1, maxLength: 4 }),
    fc.array(outcomeArb, { maxLength: 5 }),
    planArb,
    fc.integer({ min: 200, max: 599 }),
    fc.nat(),
    fc.nat()
  ])("is written as before, in text and JSON, byte for byte", (queue, rcptTo, outs, plan, code, size, ms) => {
    const envelope = Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "a@example.org", rcptTo })
    const outcomes = outs.map(
      (o): RecipientOutcome =>
        ({
          recipient: o.recipient,
          verdict: { class: o.class, score: o.score, symbols: [], trace: [] },
          action: { _tag: o.action },
          rule: o.rule
        }) as unknown as RecipientOutcome
    )
    expect(lines(messageLine(queue, envelope, summarise(outcomes, plan), code, size, ms))).toEqual(
      lines(messageLineBefore(queue, envelope, outcomes, plan, code, size, ms))
    )
  })
})
