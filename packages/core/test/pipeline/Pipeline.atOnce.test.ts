// Stages that answer at once (a finished effect: `Effect.succeed`, `Effect.fail`, a throw) are
// taken in the phase's fiber without a child fiber or a deadline timer. Whatever mix of stages
// answering at once and later, in groups of any size, with decisions and per-recipient
// decisions, the phase gives what it gives when no stage answers at once (each run wrapped in
// `Effect.suspend`, which the pipeline cannot look into). A stage's `answer` (a plain result, or
// the effect to wait for) is called instead of its `run`, with the same outcome.
import { fc, test } from "@fast-check/vitest"
import { Effect, Exit, Fiber } from "effect"
import { describe, expect, it } from "vitest"
import { Envelope, Pipeline, StageError } from "../../src/index.ts"
import * as MessageModel from "../../src/message/Message.ts"
import type { Decision, Stage, StageInput, StageResult } from "../../src/Stage.ts"

const envelope = Envelope.make({ clientAddress: "192.0.2.1", rcptTo: ["a@example.org", "b@example.org"] })
const message = MessageModel.fromBytes(new TextEncoder().encode("Subject: x\r\n\r\nbody\r\n"), { envelope })
const input: StageInput = { phase: "data", message, recipients: ["a@example.org", "b@example.org"] }

type Answer =
  | { readonly kind: "ok"; readonly score: number; readonly decision?: Decision["_tag"]; readonly only?: string }
  | { readonly kind: "fail" }
  | { readonly kind: "die" }
  | { readonly kind: "throw" }

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  fc.record(
    {
      kind: fc.constant("ok" as const),
      score: fc.integer({ min: -3, max: 5 }),
      decision: fc.constantFrom("Continue", "Accept", "Reject"),
      only: fc.constantFrom("a@example.org", "b@example.org")
    },
    { requiredKeys: ["kind", "score"] }
  ),
  fc.constant({ kind: "fail" as const }),
  fc.constant({ kind: "die" as const }),
  fc.constant({ kind: "throw" as const })
)
const specArb = fc.record({
  order: fc.integer({ min: 0, max: 2 }),
  later: fc.boolean(),
  answer: answerArb,
  // Given by `answer` (a plain result when ok and not later) instead of `run`.
  plain: fc.boolean()
})

const resultOf = (name: string, a: Extract<Answer, { kind: "ok" }>): StageResult => ({
  symbols: [{ name: `${name}_HIT`, score: a.score, source: name, detail: `${name} said ${a.score}` }],
  facts: { from: name },
  headers: [{ op: "add", name: "X-Stage", value: name }],
  decision:
    a.decision === "Accept"
      ? { _tag: "Accept", reason: name }
      : a.decision === "Reject"
        ? { _tag: "Reject", reason: name }
        : a.decision === "Continue"
          ? { _tag: "Continue" }
          : undefined,
  recipientDecisions:
    a.only === undefined ? undefined : [{ recipient: a.only, decision: { _tag: "Accept", reason: `${name} for one` } }]
})

/** The stage's run: at once as `spec` says, or after a turn of the scheduler. */
type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never

const stageOf = (spec: Spec, i: number, neverAtOnce: boolean): Stage => {
  const name = `s${i}`
  const now = (): ReturnType<Stage["run"]> => {
    const a = spec.answer
    switch (a.kind) {
      case "ok":
        return Effect.succeed(resultOf(name, a))
      case "fail":
        return Effect.fail(new StageError({ stage: name, reason: "Down", temporary: true }))
      case "die":
        return Effect.die(new Error(`${name} broke`))
      case "throw":
        throw new Error(`${name} threw`)
      default:
        return a satisfies never
    }
  }
  const run: Stage["run"] = spec.later
    ? () => Effect.andThen(Effect.yieldNow, Effect.suspend(now))
    : neverAtOnce
      ? () => Effect.suspend(now)
      : now
  const base = { name, phase: "data" as const, order: spec.order, budgetMillis: 5000, symbols: {} }
  if (neverAtOnce || !spec.plain) return { ...base, run }
  // `run` is never called when there is an `answer`: a call would be traced as a defect.
  const answer: NonNullable<Stage["answer"]> = () => {
    const a = spec.answer
    return a.kind === "ok" && !spec.later ? resultOf(name, a) : run(input)
  }
  return { ...base, answer, run: () => Effect.die(new Error(`${name}: run called`)) }
}

const timeless = (run: Pipeline.PhaseRun) => ({
  ...run,
  runs: run.runs.map((r) => ({ ...r, trace: { ...r.trace, millis: 0 } }))
})

describe("Pipeline.runPhase, stages answering at once", () => {
  test.prop([fc.array(specArb, { minLength: 1, maxLength: 6 })], { numRuns: 300 })(
    "gives what the same stages give when none answers at once",
    async (specs) => {
      const atOnce = specs.map((s, i) => stageOf(s, i, false))
      const never = specs.map((s, i) => stageOf(s, i, true))
      const a = await Effect.runPromise(Pipeline.runPhase(atOnce, input, { deadlineMillis: 10_000 }))
      const b = await Effect.runPromise(Pipeline.runPhase(never, input, { deadlineMillis: 10_000 }))
      expect(timeless(a)).toEqual(timeless(b))
    }
  )

  it("answers given as plain results are taken without calling `run`, and the phase finishes as it started", () => {
    const plain = (name: string, order: number): Stage => ({
      name,
      phase: "data",
      order,
      budgetMillis: 5000,
      symbols: {},
      answer: () => ({ symbols: [{ name: `${name}_HIT`, score: 1, source: name, detail: "plain" }] }),
      run: () => Effect.die(new Error("run called"))
    })
    const phase = Effect.suspend(() =>
      Effect.succeed(Pipeline.runPhase([plain("x", 1), plain("y", 1), plain("z", 2)], input, { deadlineMillis: 1000 }))
    )
    // Built in a fiber (a clock to read): the phase is a finished effect (an `Exit`) at once.
    const built = Effect.runSync(phase)
    expect(Exit.isExit(built)).toBe(true)
    const run = Effect.runSync(built)
    expect(run.runs.map((r) => [r.trace.stage, r.trace.outcome, r.trace.symbols.length])).toEqual([
      ["x", "ok", 1],
      ["y", "ok", 1],
      ["z", "ok", 1]
    ])
  })

  it("runs are called in the phase's fiber, and a phase of stages answering at once finishes as it started", async () => {
    const seen: Array<unknown> = []
    const here = (name: string, order: number): Stage => ({
      name,
      phase: "data",
      order,
      budgetMillis: 5000,
      symbols: {},
      run: () => {
        seen.push(Fiber.getCurrent())
        return Effect.succeed({ symbols: [] })
      }
    })
    const phase = Effect.gen(function* () {
      const run = yield* Pipeline.runPhase([here("x", 1), here("y", 1), here("z", 2)], input, { deadlineMillis: 1000 })
      return { run, fiber: Fiber.getCurrent() }
    })
    const { run, fiber } = Effect.runSync(phase)
    expect(run.runs.map((r) => r.trace.outcome)).toEqual(["ok", "ok", "ok"])
    expect(seen).toEqual([fiber, fiber, fiber])
  })
})
