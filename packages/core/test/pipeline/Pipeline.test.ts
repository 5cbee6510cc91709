import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Envelope, Pipeline, Policy, StageError } from "../../src/index.ts"
import type { Stage, StageInput, StageResult } from "../../src/Stage.ts"
import type { StageTrace } from "../../src/Verdict.ts"

const envelope = Envelope.make({ clientAddress: "192.0.2.1", rcptTo: ["a@example.org"] })
const connect: StageInput = { phase: "connect", envelope }

const stage = (name: string, run: Stage["run"], extra: Partial<Stage> = {}): Stage => ({
  name,
  phase: "connect",
  budgetMillis: 1000,
  symbols: {},
  run,
  ...extra
})
const ok = (symbols: StageResult["symbols"] = [], decision?: StageResult["decision"]) =>
  Effect.succeed<StageResult>({ symbols, decision })

describe("Pipeline.runPhase", () => {
  it("an inline stage gets no timer (its budget is not enforced); its decision still ends the phase", async () => {
    const slowInline = stage(
      "inline",
      () => Effect.as(Effect.sleep(30), { symbols: [], decision: { _tag: "Reject", reason: "r" } }),
      { budgetMillis: 1, inline: true }
    )
    const run = await Effect.runPromise(Pipeline.runPhase([slowInline], connect))
    expect(run.runs[0]!.trace.outcome).toBe("ok")
    expect(run.decided).toEqual({ stage: "inline", decision: { _tag: "Reject", reason: "r" } })
    // Far longer than the budget: a loaded machine that stalls the loop past a short sleep would
    // let the finished stage win over its expired deadline, which the deadline allows on purpose.
    const slow = stage(
      "timed",
      () => Effect.as(Effect.sleep(10_000), { symbols: [], decision: { _tag: "Reject", reason: "r" } }),
      { budgetMillis: 1 }
    )
    const timed = await Effect.runPromise(Pipeline.runPhase([slow], connect))
    expect(timed.runs[0]!.trace.outcome).toBe("timeout")
  })

  it("an inline stage answering at once is taken without timing; one that throws or fails is traced", async () => {
    const run = await Effect.runPromise(
      Pipeline.runPhase(
        [stage("now", () => ok([], { _tag: "Bypass", rule: "r", reason: "x" }), { inline: true })],
        connect
      )
    )
    expect(run.runs[0]?.trace).toEqual({
      stage: "now",
      phase: "connect",
      millis: 0,
      outcome: "ok",
      symbols: [],
      facts: undefined
    })
    expect(run.decided).toEqual({ stage: "now", decision: { _tag: "Bypass", rule: "r", reason: "x" } })
    const throwing = stage(
      "throws",
      () => {
        throw new Error("bug")
      },
      { inline: true }
    )
    const thrown = await Effect.runPromise(Pipeline.runPhase([throwing], connect))
    expect(thrown.runs[0]?.trace).toMatchObject({ stage: "throws", outcome: "failed:Defect", symbols: [] })
    const failing = stage(
      "fails",
      () => Effect.fail(new StageError({ stage: "fails", reason: "Down", temporary: true })),
      { inline: true }
    )
    const failed = await Effect.runPromise(Pipeline.runPhase([failing], connect))
    expect(failed.runs[0]?.trace).toMatchObject({ stage: "fails", outcome: "failed:Down", symbols: [] })
  })

  it("a stage list changed after a run is planned again (its groups are kept per list)", async () => {
    const stages: Array<Stage> = [stage("a", () => ok()), stage("b", () => ok(), { order: 2 })]
    const first = await Effect.runPromise(Pipeline.runPhase(stages, connect))
    expect(first.runs.map((r) => r.trace.stage)).toEqual(["a", "b"])
    stages[1] = stage("c", () => ok(), { order: 1 })
    stages.push(stage("d", () => ok([{ name: "D", score: 1, source: "d" }]), { order: 0 }))
    const again = await Effect.runPromise(Pipeline.runPhase(stages, connect))
    expect(again.runs.map((r) => [r.trace.stage, r.trace.outcome])).toEqual([
      ["a", "ok"],
      ["c", "ok"],
      ["d", "ok"]
    ])
    expect(again.runs[2]?.trace.symbols).toHaveLength(1)
  })

  it("runs only the input's phase, traces every stage in the given order", async () => {
    const other = stage("rcpt-only", () => ok(), { phase: "rcpt" })
    const a = stage("a", () => ok([{ name: "A", score: 1, source: "a" }]))
    const b = stage("b", () => ok([{ name: "B", score: 2, source: "b" }]), { order: -1 })
    const run = await Effect.runPromise(Pipeline.runPhase([a, other, b], connect))
    expect(run.runs.map((r) => r.trace.stage)).toEqual(["a", "b"])
    expect(run.runs.map((r) => r.trace.outcome)).toEqual(["ok", "ok"])
    expect(run.decided).toBeUndefined()
  })

  it("stages of one order run concurrently; later orders wait", async () => {
    const events: Array<string> = []
    const slow = (name: string, order: number) =>
      stage(
        name,
        () =>
          Effect.sync(() => events.push(`start ${name}`)).pipe(
            Effect.andThen(Effect.sleep("30 millis")),
            Effect.andThen(Effect.sync(() => events.push(`end ${name}`))),
            Effect.andThen(ok())
          ),
        { order }
      )
    await Effect.runPromise(Pipeline.runPhase([slow("x", 0), slow("y", 0), slow("z", 1)], connect))
    expect(events.slice(0, 2).sort()).toEqual(["start x", "start y"])
    expect(events.indexOf("start z")).toBeGreaterThan(events.indexOf("end x"))
    expect(events.indexOf("start z")).toBeGreaterThan(events.indexOf("end y"))
  })

  it("a failing, dying or slow stage is traced, never turns into symbols", async () => {
    const failing = stage("failing", () =>
      Effect.fail(new StageError({ stage: "failing", reason: "DnsDown", temporary: true }))
    )
    const dying = stage("dying", () => Effect.die(new Error("boom")))
    const throwing = stage("throwing", () => {
      throw new Error("sync throw")
    })
    const slow = stage(
      "slow",
      () => Effect.sleep("5 seconds").pipe(Effect.andThen(ok([{ name: "LATE", score: 100, source: "slow" }]))),
      { budgetMillis: 20 }
    )
    const run = await Effect.runPromise(Pipeline.runPhase([failing, dying, throwing, slow], connect))
    expect(run.runs.map((r) => r.trace.outcome)).toEqual([
      "failed:DnsDown",
      "failed:Defect",
      "failed:Defect",
      "timeout"
    ])
    expect(run.runs.flatMap((r) => r.trace.symbols)).toEqual([])
  })

  it("in a group each stage's time is its own, and an inline stage there gets no timer either", async () => {
    const quick = stage("quick", () => ok())
    const slow = stage("slow", () => Effect.sleep("40 millis").pipe(Effect.andThen(ok())))
    const inline = stage("inline", () => Effect.sleep("30 millis").pipe(Effect.andThen(ok())), {
      budgetMillis: 1,
      inline: true
    })
    const run = await Effect.runPromise(Pipeline.runPhase([slow, quick, inline], connect))
    const [s, q, i] = run.runs.map((r) => r.trace)
    expect([s!.outcome, q!.outcome, i!.outcome]).toEqual(["ok", "ok", "ok"])
    expect(q!.millis).toBeLessThan(s!.millis)
    expect(s!.millis).toBeGreaterThanOrEqual(30)
  })

  it("one deadline bounds the whole phase, whatever the stage budgets", async () => {
    const slow = (name: string, order: number) =>
      stage(name, () => Effect.sleep("200 millis").pipe(Effect.andThen(ok())), { order, budgetMillis: 10_000 })
    const run = await Effect.runPromise(
      Pipeline.runPhase([slow("first", 0), slow("second", 1)], connect, { deadlineMillis: 50 })
    )
    expect(run.runs.map((r) => r.trace.outcome)).toEqual(["timeout", "timeout"])
  })

  it("a decision ends the phase: later groups are skipped", async () => {
    const bypass = stage("bypass", () => ok([], { _tag: "Bypass", rule: "allowedIps", reason: "192.0.2.0/24" }))
    let ran = false
    const later = stage("later", () => Effect.sync(() => (ran = true)).pipe(Effect.andThen(ok())), { order: 1 })
    const run = await Effect.runPromise(Pipeline.runPhase([bypass, later], connect))
    expect(run.decided).toMatchObject({ stage: "bypass", decision: { _tag: "Bypass", rule: "allowedIps" } })
    expect(run.runs[1]?.trace.outcome).toBe("skipped")
    expect(ran).toBe(false)
  })
})

const trace = (outcome: StageTrace["outcome"], symbols: StageTrace["symbols"] = []): StageTrace => ({
  stage: "s",
  phase: "data",
  outcome,
  millis: 1,
  symbols
})

describe("Policy", () => {
  it("classifies by score, unknowns, failures and classifier bands", () => {
    const listed = trace("ok", [{ name: "RBL_LISTED", score: 6, source: "rbl" }])
    expect(Policy.verdictOf([listed], []).class).toBe("spam")
    expect(Policy.verdictOf([trace("ok")], []).class).toBe("ham")
    expect(Policy.verdictOf([trace("timeout")], []).class).toBe("unsure")
    const unknown = trace("ok", [{ name: "RBL_UNKNOWN", score: 0, source: "rbl" }])
    expect(Policy.verdictOf([unknown], [], { undecided: new Set(["RBL_UNKNOWN"]) }).class).toBe("unsure")
    // Undecided is a flag of the symbol's declaration, not a naming pattern.
    expect(Policy.verdictOf([unknown], []).class).toBe("ham")
    expect(Policy.verdictOf([trace("ok")], [], {}, 0.1).class).toBe("ham")
    expect(Policy.verdictOf([trace("ok")], [], {}, 0.5).class).toBe("unsure")
    expect(Policy.verdictOf([trace("ok")], [], {}, 0.95).class).toBe("spam")
    expect(Policy.verdictOf([trace("ok")], [], { hamBelow: 0.6 }, 0.5).class).toBe("ham")
  })

  it("maps spam to onSpam and everything else to deliver with verdict headers", () => {
    const spam = Policy.verdictOf([trace("ok", [{ name: "X", score: 9, source: "x" }])], [])
    expect(Policy.actionOf(spam, { onSpam: "reject" }, "policy")._tag).toBe("Reject")
    expect(Policy.actionOf(spam, { onSpam: "drop" }, "policy")._tag).toBe("Drop")
    expect(Policy.actionOf(spam, { onSpam: "quarantine" }, "policy")._tag).toBe("Quarantine")
    const tagged = Policy.actionOf(spam, { onSpam: "none", subjectPrefix: "[SPAM]" }, "policy")
    expect(tagged).toMatchObject({ _tag: "Deliver", subjectPrefix: "[SPAM]" })
    const ham = Policy.actionOf(Policy.verdictOf([trace("ok")], []), { onSpam: "reject" }, "policy")
    expect(ham._tag).toBe("Deliver")
    expect(ham._tag === "Deliver" && ham.addHeaders.find(([n]) => n === "X-Mailmoat-Verdict")?.[1]).toBe("ham")
  })

  test.prop([
    fc.array(fc.record({ name: fc.string(), score: fc.double(), source: fc.string() })),
    fc.option(fc.double(), { nil: undefined })
  ])("the verdict is always one of three classes with a finite score", (symbols, probability) => {
    const v = Policy.verdictOf([trace("ok", symbols)], [], {}, probability)
    expect(["ham", "spam", "unsure"]).toContain(v.class)
    expect(Number.isFinite(v.score)).toBe(true)
  })

  it("a spam reason names the heaviest symbols, each once with its summed weight, never a detail", () => {
    const hits = [
      { name: "RBL_LISTED", score: 6, source: "rbl", detail: "192.0.2.1 via a.example" },
      { name: "ATTACHMENT_BLOCKED", score: 10, source: "attachments", detail: "invoice.pdf.exe" },
      { name: "RBL_LISTED", score: 6, source: "rbl", detail: "192.0.2.1 via b.example" },
      { name: "SPF_PASS", score: -1, source: "auth" },
      { name: "RBL_UNKNOWN", score: 0, source: "rbl" },
      { name: "BODY_CAPS", score: 0.25, source: "x" },
      { name: "DATE_STALE", score: 0.5, source: "x" }
    ]
    const verdict = Policy.verdictOf([trace("ok", hits)], [])
    const action = Policy.actionOf(verdict, { onSpam: "reject" }, "policy")
    expect(action._tag === "Reject" && action.reason).toBe(
      "spam (score 21.75: RBL_LISTED 12, ATTACHMENT_BLOCKED 10, DATE_STALE 0.5, +1 more)"
    )
    const byProbability = Policy.verdictOf(
      [trace("ok", [{ name: "NOTHING_MUCH", score: 0.1, source: "x" }])],
      [],
      {},
      0.97
    )
    expect(Policy.spamReason(byProbability)).toBe("spam (score 0.10, probability 0.97: NOTHING_MUCH 0.1)")
    expect(Policy.spamReason(Policy.verdictOf([trace("ok")], [], {}, 0.99))).toBe("spam (score 0.00, probability 0.99)")
  })

  test.prop([
    fc.array(
      fc.record({
        name: fc.stringMatching(/^[A-Z_]{1,12}$/),
        score: fc.double(),
        source: fc.constant("x"),
        detail: fc.constant("DETAIL\r\nX")
      })
    ),
    fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })
  ])(
    "a spam reason is one line naming at most three symbols, heaviest first, and no detail",
    (symbols, probability) => {
      const reason = Policy.spamReason(Policy.verdictOf([trace("ok", symbols)], [], {}, probability))
      expect(reason).toMatch(
        /^spam \(score -?\d+\.\d\d(, probability \d\.\d\d)?(: [A-Z_]+ [\d.e+-]+(, [A-Z_]+ [\d.e+-]+){0,2}(, \+\d+ more)?)?\)$/
      )
      expect(reason).not.toContain("DETAIL")
      const weights = [...reason.matchAll(/([A-Z_]+) ([\d.e+-]+)/g)].map((m) => Number(m[2]))
      expect(weights).toEqual([...weights].sort((a, b) => b - a))
    }
  )
})
