// Auto-learning's last word in the gateway (pure): a candidate is learned only when the message's
// fate is final and every recipient's verdict agrees; never bypassed, quarantined, deferred, or
// with a virus scan that is not clean for everyone.
import { Action, type RecipientOutcome } from "@mailmoat/core"
import { describe, expect, it } from "vitest"
import { afterReply, autolearnEvent } from "../src/AutoLearnCommit.ts"
import type { VirusResult } from "../src/VirusVerdict.ts"

const candidate = (label: "ham" | "spam") => {
  const calls = { n: 0 }
  return {
    calls,
    value: {
      label,
      wordFree: label === "spam" ? 0.97 : 0.05,
      learn: async () => {
        calls.n++
        return `auto-learned as ${label} (word-free 0.970; memory)`
      }
    }
  }
}

const outcome = (
  recipient: string,
  cls: "ham" | "spam" | "unsure",
  action: Action.Action,
  facts: Record<string, unknown> | undefined,
  decidedBy?: { stage: string; decision: string; reason: string }
): RecipientOutcome => ({
  recipient,
  action,
  rule: "test",
  verdict: {
    class: cls,
    score: 0,
    symbols: [],
    trace: [{ stage: "classifier", phase: "data", outcome: "ok", millis: 0, symbols: [], facts }],
    ...(decidedBy ? { decidedBy } : {})
  }
})

const clean: VirusResult = { scan: { _tag: "Clean" }, spared: new Set(), scanner: "clamd", millis: 1 }

describe("auto-learning after the reply", () => {
  it("learns an agreed spam that was rejected, dropped or delivered tagged, and a ham handed off", async () => {
    for (const [label, action, code] of [
      ["spam", Action.reject("spam"), 550],
      ["spam", Action.drop("spam"), 250],
      ["spam", Action.deliver([["X-Spam", "yes"]]), 250],
      ["ham", Action.deliver(), 250]
    ] as const) {
      const c = candidate(label)
      const o = [outcome("a@x", label, action, { autolearn: c.value }), outcome("b@x", label, action, undefined)]
      const note = await afterReply(o, undefined)!(code)
      expect(note).toMatch(new RegExp(`^auto-learned as ${label}`))
      expect(autolearnEvent(note)).toBe("autolearn")
      expect(c.calls.n).toBe(1)
      // A clean scan of every recipient lets it through too.
      expect(await afterReply(o, clean)!(code)).toMatch(/^auto-learned/)
    }
  })

  it("refuses what is deferred, quarantined, bypassed, disagreed with or not scanned clean", async () => {
    const mk = () => candidate("spam").value
    // The candidate's recipient, then another one's outcome.
    const withOther = (other: RecipientOutcome): ReadonlyArray<RecipientOutcome> => [
      outcome("a@x", "spam", Action.drop("spam"), { autolearn: mk() }),
      other
    ]
    const bypassed = { stage: "bypass", decision: "Bypass", reason: "r" }
    const cases: Array<[string, ReadonlyArray<RecipientOutcome>, number, VirusResult | undefined]> = [
      ["deferred", [outcome("a@x", "spam", Action.reject("spam"), { autolearn: mk() })], 451, undefined],
      ["quarantined", [outcome("a@x", "spam", Action.quarantine("spam"), { autolearn: mk() })], 250, undefined],
      ["decided by bypass", withOther(outcome("b@x", "ham", Action.deliver(), undefined, bypassed)), 250, undefined],
      ["verdict ham for b@x", withOther(outcome("b@x", "ham", Action.deliver(), undefined)), 250, undefined],
      ["deferred", withOther(outcome("b@x", "spam", Action.tempfail("x"), undefined)), 451, undefined]
    ]
    const unclean: ReadonlyArray<VirusResult> = [
      { ...clean, scan: { _tag: "Found", signature: "Eicar-Test-Signature" } },
      { ...clean, scan: { _tag: "Unavailable", reason: "timeout", detail: "no answer" } },
      { ...clean, scan: { _tag: "Oversize", detail: "too big" } },
      { ...clean, spared: new Set(["b@x"]) }
    ]
    for (const virus of unclean)
      cases.push([
        "virus scan not clean",
        [outcome("a@x", "spam", Action.reject("spam"), { autolearn: mk() })],
        550,
        virus
      ])
    for (const [why, outcomes, code, virus] of cases) {
      const note = await afterReply(outcomes, virus)!(code)
      expect(note).toBe(`not auto-learned as spam: ${why}`)
      expect(autolearnEvent(note)).toBe("autolearn_skipped")
    }
  })

  it("no candidate, nothing to do", () => {
    expect(afterReply([outcome("a@x", "spam", Action.reject("spam"), { class: "spam" })], undefined)).toBeUndefined()
  })
})
