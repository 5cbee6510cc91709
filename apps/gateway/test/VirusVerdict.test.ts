// The virus scan's result applied to a transaction (pure): whatever the spam outcomes, a covered
// recipient never gets a virus or, under onUnavailable: tempfail, mail nobody scanned; a spared
// recipient keeps its outcome; a clean scan changes no action; a whole-message refusal gets its
// own reply row.
import { Action, type RecipientOutcome } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { plan } from "../src/RecipientPlan.ts"
import * as Replies from "../src/Replies.ts"
import {
  applyVirusScan,
  describeVirusScan,
  type VirusResult,
  type VirusScanOutcome,
  type VirusSettings,
  WARNING
} from "../src/VirusVerdict.ts"

const actionArb = fc.constantFrom(
  Action.deliver(),
  Action.deliver([["X-Mailmoat-Verdict", "ham"]]),
  Action.quarantine("spam"),
  Action.reject("spam"),
  Action.drop("spam"),
  Action.tempfail("unsure")
)
const scanArb = fc.constantFrom<VirusScanOutcome>(
  { _tag: "Clean" },
  { _tag: "Found", signature: "Eicar-Test-Signature" },
  { _tag: "Unavailable", reason: "timeout", detail: "no answer" },
  { _tag: "Oversize", detail: "over maxSizeMB 1" }
)
const settingsArb = fc.record({
  onVirus: fc.constantFrom("reject", "quarantine", "drop" as const),
  onUnavailable: fc.constantFrom("tempfail", "deliver" as const),
  onOversize: fc.constantFrom("deliver", "reject" as const)
})
const settingsOf = (s: Pick<VirusSettings, "onVirus" | "onUnavailable" | "onOversize">): VirusSettings => ({
  clamd: { socket: "/run/clamav/clamd.ctl", timeoutSeconds: 60 },
  maxSizeMB: 0,
  bypass: [],
  ...s
})
const outcome = (recipient: string, action: Action.Action): RecipientOutcome => ({
  recipient,
  action,
  rule: "policy: test",
  verdict: { class: "ham", score: 0, symbols: [], trace: [] }
})
const result = (scan: VirusScanOutcome | undefined, spared: ReadonlyArray<string> = []): VirusResult => ({
  scan,
  spared: new Set(spared),
  scanner: "/run/clamav/clamd.ctl",
  millis: 3
})

/** Who the plan hands the message to (delivered or kept) and with which added headers. */
const accepted = (p: ReturnType<typeof plan>) =>
  p._tag !== "Accept"
    ? []
    : [
        ...p.deliver.flatMap((g) => g.recipients.map((r) => ({ r, headers: g.addHeaders }))),
        ...p.quarantine.flatMap((g) => g.recipients.map((r) => ({ r, headers: [] as ReadonlyArray<unknown> })))
      ]

describe("applyVirusScan", () => {
  test.prop([fc.array(fc.tuple(actionArb, fc.boolean()), { minLength: 1, maxLength: 6 }), scanArb, settingsArb])(
    "every recipient is accounted for; spared ones keep their outcome; covered ones get the scan's rule",
    (rows, scan, s) => {
      const rcpts = rows.map((_, i) => `r${i}@example.test`)
      const spared = rcpts.filter((_, i) => rows[i]![1])
      const outcomes = rows.map(([a], i) => outcome(rcpts[i]!, a))
      const settings = settingsOf(s)
      const after = applyVirusScan(rcpts, { plan: plan(rcpts, outcomes), outcomes }, result(scan, spared), settings)
      expect(after.outcomes.map((o) => o.recipient)).toEqual(rcpts)
      after.outcomes.forEach((o, i) => {
        if (rows[i]![1]) expect(o).toBe(outcomes[i])
        else {
          expect(o.verdict.trace.map((t) => t.stage)).toEqual(["virus"])
          if (scan._tag === "Found") {
            expect(o.action._tag).toBe({ reject: "Reject", quarantine: "Quarantine", drop: "Drop" }[settings.onVirus])
            expect(o.verdict.symbols.map((h) => h.name)).toEqual(["VIRUS_FOUND"])
          }
          if (scan._tag === "Clean") expect(o.action).toBe(outcomes[i]!.action)
        }
      })
      const covered = new Set(rcpts.filter((r) => !spared.includes(r)))
      const handed = accepted(after.plan).filter((a) => covered.has(a.r))
      // A virus, or an oversize message under onOversize: reject, is never delivered to a covered
      // recipient; when others accept the message, a covered recipient's reject is quarantined
      // instead (RecipientPlan's rule for a partial reject).
      if (scan._tag === "Found" || (scan._tag === "Oversize" && settings.onOversize === "reject"))
        if (after.plan._tag === "Accept")
          for (const g of after.plan.deliver) for (const r of g.recipients) expect(covered.has(r)).toBe(false)
      if (scan._tag === "Unavailable" && settings.onUnavailable === "tempfail") expect(handed).toEqual([])
      if (
        (scan._tag === "Unavailable" && settings.onUnavailable === "deliver") ||
        (scan._tag === "Oversize" && settings.onOversize === "deliver")
      )
        for (const g of after.plan._tag === "Accept" ? after.plan.deliver : [])
          if (g.recipients.some((r) => covered.has(r))) expect(g.addHeaders.map(([n]) => n)).toContain(WARNING)
    }
  )

  it("a virus rejected for every recipient is 554 5.7.1 naming the signature", () => {
    const rcpts = ["a@example.test", "b@example.test"]
    const outcomes = rcpts.map((r) => outcome(r, Action.deliver()))
    const after = applyVirusScan(
      rcpts,
      { plan: plan(rcpts, outcomes), outcomes },
      result({ _tag: "Found", signature: "Eicar-Test-Signature" }),
      settingsOf({ onVirus: "reject", onUnavailable: "tempfail", onOversize: "deliver" })
    )
    expect(after.plan).toEqual({ _tag: "Reject", reason: "virus found: Eicar-Test-Signature", refusedFor: "virus" })
    expect(after.outcomes[0]!.rule).toBe("virus: Eicar-Test-Signature, onVirus=reject")
    expect(Replies.contentRefusal("virus", "virus found: Eicar-Test-Signature")).toEqual({
      code: 554,
      enhanced: "5.7.1",
      text: "Message rejected: virus found: Eicar-Test-Signature"
    })
    expect(Replies.contentRefusal("unscannable", "too large\r\n250 forged")).toEqual({
      code: 552,
      enhanced: "5.3.4",
      text: "Message rejected: too large 250 forged"
    })
  })

  it("a spam reject stays the spam reply (550) when clamd was unavailable; a spam tempfail stays 451", () => {
    const rcpts = ["a@example.test"]
    const unavailable = result({ _tag: "Unavailable", reason: "connect", detail: "ECONNREFUSED" })
    const settings = settingsOf({ onVirus: "reject", onUnavailable: "tempfail", onOversize: "deliver" })
    for (const action of [Action.reject("spam"), Action.tempfail("unsure")]) {
      const outcomes = [outcome("a@example.test", action)]
      const after = applyVirusScan(rcpts, { plan: plan(rcpts, outcomes), outcomes }, unavailable, settings)
      expect(after.plan).toEqual(plan(rcpts, outcomes))
    }
    // A spam reject beside a drop would be quarantined (no partial reject): kept unscanned, so 451.
    const two = ["a@example.test", "b@example.test"]
    const mixed = [outcome("a@example.test", Action.drop("spam")), outcome("b@example.test", Action.reject("spam"))]
    expect(plan(two, mixed)._tag).toBe("Accept")
    expect(applyVirusScan(two, { plan: plan(two, mixed), outcomes: mixed }, unavailable, settings).plan).toEqual({
      _tag: "Tempfail",
      reason: "virus scanner unavailable (connect)"
    })
  })

  it("the spam checks' own failure (451, no outcomes) stays a 451; nothing scanned leaves the transaction alone", () => {
    const failed = { plan: { _tag: "Tempfail" as const, reason: "message could not be checked" }, outcomes: [] }
    const settings = settingsOf({ onVirus: "reject", onUnavailable: "tempfail", onOversize: "deliver" })
    expect(applyVirusScan(["a@example.test"], failed, result({ _tag: "Clean" }), settings)).toBe(failed)
    const outcomes = [outcome("a@example.test", Action.deliver())]
    const decided = { plan: plan(["a@example.test"], outcomes), outcomes }
    expect(applyVirusScan(["a@example.test"], decided, result(undefined, ["a@example.test"]), settings)).toBe(decided)
  })

  it("a recipient the spam checks gave no outcome for keeps the transaction a 451, whatever the scan", () => {
    const rcpts = ["a@example.test", "b@example.test"]
    const outcomes = [outcome("a@example.test", Action.deliver())]
    const decided = { plan: plan(rcpts, outcomes), outcomes }
    expect(decided.plan._tag).toBe("Tempfail")
    const settings = settingsOf({ onVirus: "quarantine", onUnavailable: "deliver", onOversize: "deliver" })
    for (const scan of [
      { _tag: "Clean" },
      { _tag: "Unavailable", reason: "connect", detail: "ECONNREFUSED" },
      { _tag: "Oversize", detail: "over maxSizeMB 1" }
    ] as const)
      expect(applyVirusScan(rcpts, decided, result(scan), settings).plan._tag).toBe("Tempfail")
  })

  it("describes what the scan did for the message line", () => {
    expect(describeVirusScan(result({ _tag: "Clean" }))).toBe("clean")
    expect(describeVirusScan(result({ _tag: "Found", signature: "X" }))).toBe("found X")
    expect(describeVirusScan(result({ _tag: "Unavailable", reason: "timeout", detail: "" }))).toBe(
      "not scanned (timeout)"
    )
    expect(describeVirusScan(result({ _tag: "Oversize", detail: "" }))).toBe("not scanned (too large)")
    expect(describeVirusScan({ ...result(undefined), sparedBy: "session" })).toBe("skipped (bypass session)")
  })
})
