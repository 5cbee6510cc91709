// The engine applies a recipient's own cut-off and spam action where it builds that recipient's
// outcome: recipients of one message end with different classes and actions.
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, type Stage } from "../../src/index.ts"
import * as Testing from "../../src/testing.ts"

const scoring = (score: number): Stage => ({
  name: "list",
  phase: "data",
  budgetMillis: 1000,
  symbols: { LISTED: { weight: score, description: "listed" } },
  run: () => Effect.succeed({ symbols: [{ name: "LISTED", score, source: "t" }] })
})
const bypassing: Stage = {
  name: "vip",
  phase: "rcpt",
  budgetMillis: 1000,
  symbols: {},
  run: (input) =>
    Effect.succeed(
      input.phase === "rcpt" && input.recipient === "vip@d.example"
        ? { symbols: [], decision: { _tag: "Bypass", rule: "recipient", reason: "vip" } }
        : { symbols: [] }
    )
}
const POLICIES: Record<string, Engine.RecipientPolicy> = {
  "r@a.example": { source: "directory: @a.example", onSpam: "reject", spamScore: 2 },
  "t@b.example": { source: "directory: t@b.example", onSpam: "none", spamScore: 3, subjectPrefix: "[SPAM]" },
  "d@c.example": { source: "directory: d@c.example", onSpam: "drop" },
  "h@e.example": { source: "directory: @e.example", spamScore: 10 },
  "vip@d.example": { source: "directory: vip@d.example", onSpam: "reject", spamScore: 0 }
}
const engineWith = (score: number, asked: Array<string>) =>
  Effect.runSync(
    Engine.make({
      stages: [bypassing, scoring(score)],
      policy: { spamScore: 5, onSpam: "quarantine" },
      recipientPolicies: (r) => {
        asked.push(r)
        return POLICIES[r]
      }
    })
  )
const message = (rcptTo: ReadonlyArray<string>) =>
  Testing.message("From: x@example.net\nSubject: hello\n\nbody\n", { rcptTo })
const summary = (outs: ReadonlyArray<Engine.MessageOutcome & { recipient: string }>) =>
  outs.map((o) => [o.recipient, o.verdict.class, o.action._tag, o.rule])

describe("Engine: per-recipient policy", () => {
  it("a score the default lets through: each recipient's cut-off and action decide", async () => {
    const asked: Array<string> = []
    const rcpts = ["plain@x.example", "r@a.example", "t@b.example", "d@c.example", "vip@d.example"]
    const out = await Effect.runPromise(engineWith(3, asked).evaluate(message(rcpts)))
    expect(summary(out)).toEqual([
      ["plain@x.example", "ham", "Deliver", "policy: ham"],
      ["r@a.example", "spam", "Reject", "policy: spam onSpam=reject (directory: @a.example)"],
      // At its cut-off: spam, tagged only, with its subject prefix.
      ["t@b.example", "spam", "Deliver", "policy: spam onSpam=none (directory: t@b.example)"],
      // Its own action, the default cut-off: not spam.
      ["d@c.example", "ham", "Deliver", "policy: ham (directory: d@c.example)"],
      ["vip@d.example", "ham", "Deliver", "bypass: recipient (vip)"]
    ])
    const tagged = out[2]!.action
    expect(tagged._tag === "Deliver" && tagged.subjectPrefix).toBe("[SPAM]")
    expect(tagged._tag === "Deliver" && Object.fromEntries(tagged.addHeaders)["X-Mailmoat-Rule"]).toBe(
      "policy: spam onSpam=none (directory: t@b.example)"
    )
    expect(out[1]!.verdict.score).toBe(3)
    // Asked once per scanned recipient; never for one a stage decided for.
    expect(asked).toEqual(["plain@x.example", "r@a.example", "t@b.example", "d@c.example"])
  })

  it("a score the default calls spam: a higher cut-off delivers, an own action replaces the default", async () => {
    const out = await Effect.runPromise(
      engineWith(6, []).evaluate(message(["plain@x.example", "h@e.example", "d@c.example"]))
    )
    expect(summary(out)).toEqual([
      ["plain@x.example", "spam", "Quarantine", "policy: spam onSpam=quarantine"],
      ["h@e.example", "ham", "Deliver", "policy: ham (directory: @e.example)"],
      ["d@c.example", "spam", "Drop", "policy: spam onSpam=drop (directory: d@c.example)"]
    ])
  })

  it("a message judged without recipients (the proxies) never asks", async () => {
    const asked: Array<string> = []
    const outcome = await Effect.runPromise(engineWith(3, asked).judge(message([])))
    expect([outcome.verdict.class, outcome.rule]).toEqual(["ham", "policy: ham"])
    expect(asked).toEqual([])
  })
})
