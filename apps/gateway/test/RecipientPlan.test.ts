import { Action, Quarantine, type RecipientOutcome } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { deliverAll, plan } from "../src/RecipientPlan.ts"

const actionArb = fc.oneof(
  fc.constantFrom(
    Action.deliver(),
    Action.deliver([["X-Mailmoat-Verdict", "ham"]]),
    Action.deliver([["X-Mailmoat-Verdict", "spam"]])
  ),
  fc.constant(Action.quarantine("spam")),
  fc.constant(Action.reject("spam")),
  fc.constant(Action.drop("spam")),
  fc.constant(Action.tempfail("unsure"))
)
const outcome = (recipient: string, action: Action.Action): RecipientOutcome => ({
  recipient,
  action,
  rule: "test",
  verdict: { class: "spam", score: 1, symbols: [], trace: [] }
})

describe("RecipientPlan", () => {
  test.prop([fc.array(actionArb, { minLength: 1, maxLength: 8 })])(
    "every recipient is accounted for exactly once, or the whole message is refused",
    (actions) => {
      const rcpts = actions.map((_, i) => `r${i}@example.test`)
      const p = plan(
        rcpts,
        actions.map((a, i) => outcome(rcpts[i]!, a))
      )
      if (actions.some((a) => a._tag === "Tempfail")) {
        expect(p._tag).toBe("Tempfail")
        return
      }
      if (actions.every((a) => a._tag === "Reject")) {
        expect(p._tag).toBe("Reject")
        return
      }
      if (p._tag !== "Accept") throw new Error(`expected Accept, got ${p._tag}`)
      const placed = [
        ...p.deliver.flatMap((g) => g.recipients),
        ...p.quarantine.flatMap((g) => g.recipients),
        ...p.drop
      ]
      expect([...placed].sort()).toEqual([...rcpts].sort())
      // Rejected recipients among accepted ones are quarantined, never lost.
      actions.forEach((a, i) => {
        if (a._tag === "Reject") expect(p.quarantine.some((g) => g.recipients.includes(rcpts[i]!))).toBe(true)
      })
      // Recipients in one delivery group share the same headers.
      for (const g of p.deliver)
        for (const r of g.recipients) {
          const a = actions[rcpts.indexOf(r)]!
          expect(a._tag === "Deliver" && JSON.stringify(a.addHeaders) === JSON.stringify(g.addHeaders)).toBe(true)
        }
    }
  )

  test.prop([fc.array(fc.emailAddress(), { minLength: 1, maxLength: 5 })])(
    "a recipient without an outcome means tempfail",
    (rcpts) => {
      expect(plan(rcpts, [])._tag).toBe("Tempfail")
    }
  )

  test("matching is case-insensitive; deliverAll puts everyone in one group", () => {
    expect(plan(["A@X.test"], [outcome("a@x.test", Action.drop("x"))])).toEqual({
      _tag: "Accept",
      deliver: [],
      quarantine: [],
      drop: ["A@X.test"]
    })
    expect(deliverAll(["a@x", "b@x"])).toEqual({
      _tag: "Accept",
      deliver: [{ recipients: ["a@x", "b@x"], addHeaders: [] }],
      quarantine: [],
      drop: []
    })
  })

  test.prop([actionArb, fc.option(fc.string({ maxLength: 8 }), { nil: undefined })])(
    "a lone recipient's plan is the one-recipient group with its action's headers, prefix and changes",
    (action, prefix) => {
      const a = action._tag === "Deliver" && prefix !== undefined ? { ...action, subjectPrefix: prefix } : action
      const alone = plan(["r@example.test"], [outcome("r@example.test", a)])
      // The same message with a second recipient of another kind: the lone recipient's group is unchanged.
      const two = plan(
        ["r@example.test", "q@example.test"],
        [outcome("r@example.test", a), outcome("q@example.test", Action.drop("x"))]
      )
      if (a._tag !== "Deliver") return
      const group = { recipients: ["r@example.test"], addHeaders: a.addHeaders, subjectPrefix: a.subjectPrefix }
      expect(alone).toEqual({ _tag: "Accept", deliver: [group], quarantine: [], drop: [] })
      expect(two).toEqual({ _tag: "Accept", deliver: [group], quarantine: [], drop: ["q@example.test"] })
    }
  )

  test("a quarantined group carries what the quarantine stores of the verdict, not its trace", () => {
    const verdict = {
      class: "spam" as const,
      score: 7,
      probability: 0.99,
      symbols: [{ name: "X", score: 7, source: "x", detail: "why" }],
      trace: [
        { stage: "x", phase: "data" as const, outcome: "ok" as const, millis: 1, symbols: [], facts: { rows: [1] } }
      ]
    }
    const p = plan(["r@example.test"], [{ ...outcome("r@example.test", Action.quarantine("spam")), verdict }])
    if (p._tag !== "Accept") throw new Error(`expected Accept, got ${p._tag}`)
    expect(p.quarantine[0]!.verdict).toEqual(Quarantine.summarise(verdict))
    expect(p.quarantine[0]!.verdict).not.toHaveProperty("trace")
  })
})
