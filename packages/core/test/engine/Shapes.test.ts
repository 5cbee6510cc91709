import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Action, Engine, type Stage, StageError, type StageResult } from "../../src/index.ts"
import type { Phase, StageInput } from "../../src/Stage.ts"
import * as Testing from "../../src/testing.ts"
import { hiddenClasses } from "../support/hiddenClass.ts"

// The engine's per-message objects keep one hidden class each, message after message, so that the
// gateway's sites that read them stay monomorphic once optimised.
const stage = (name: string, phase: Phase, run: (input: StageInput) => StageResult): Stage => ({
  name,
  phase,
  budgetMillis: 1000,
  symbols: {},
  run: (input) => Effect.sync(() => run(input))
})
const message = (n: number) =>
  Testing.message(`From: x@example.net\nSubject: hello ${n}\n\nbody\n`, { rcptTo: ["a@example.org"] })

const outcomesOf = async (engine: Engine.Engine, count: number) => {
  const out = []
  for (let n = 0; n < count; n++) out.push(...(await Effect.runPromise(engine.evaluate(message(n)))))
  return out
}

describe("hidden classes of the engine's outcomes", () => {
  it("a delivery with stage header changes has one hidden class, with or without them", async () => {
    const tagger = stage("tagger", "data", () => ({
      symbols: [],
      headers: [{ op: "add", name: "X-Acme", value: "1" }]
    }))
    const engine = Effect.runSync(Engine.make({ stages: [tagger] }))
    const actions = (await outcomesOf(engine, 20)).map((o) => o.action)
    expect(actions.every((a) => a._tag === "Deliver" && a.changes?.length === 1)).toBe(true)
    expect(hiddenClasses([...actions, Action.deliver([["X-A", "1"]])])).toBe(1)
  })

  it("a verdict step's input has one hidden class, message after message", async () => {
    const inputs: Array<object> = []
    const noter: Engine.VerdictStep = {
      name: "noter",
      symbols: {},
      run: (input) => {
        inputs.push(input)
        return Effect.succeed({})
      }
    }
    const engine = Effect.runSync(Engine.make({ stages: [], verdictSteps: [noter, noter] }))
    await outcomesOf(engine, 10)
    expect(inputs).toHaveLength(20)
    expect(hiddenClasses(inputs)).toBe(1)
  })

  it("a session phase's outcome has one hidden class, whether the phase has stages or none", async () => {
    const checker = stage("checker", "mail", () => ({ symbols: [] }))
    const engine = Effect.runSync(Engine.make({ stages: [checker] }))
    const envelope = Testing.envelope()
    const outcomes = []
    for (let n = 0; n < 5; n++) {
      outcomes.push(await Effect.runPromise(engine.connect(envelope)))
      outcomes.push(await Effect.runPromise(engine.mail(envelope)))
    }
    expect(outcomes.map((o) => [o.phase, o.traces.length])).toContainEqual(["connect", 0])
    expect(outcomes.map((o) => [o.phase, o.traces.length])).toContainEqual(["mail", 1])
    expect(hiddenClasses(outcomes)).toBe(1)
  })

  it("a trace's symbols have one hidden class, whether its stage hit, failed or timed out", async () => {
    const hit = stage("hit", "data", () => ({ symbols: [{ name: "HIT", score: 1, source: "hit", detail: "" }] }))
    const failing: Stage = {
      ...stage("failing", "data", () => ({ symbols: [] })),
      run: () => Effect.fail(new StageError({ stage: "failing", reason: "Broken", temporary: false }))
    }
    const slow: Stage = { ...stage("slow", "data", () => ({ symbols: [] })), budgetMillis: 5, run: () => Effect.never }
    const engine = Effect.runSync(Engine.make({ stages: [hit, failing, slow] }))
    const traces = (await outcomesOf(engine, 3)).flatMap((o) => o.verdict.trace)
    expect(new Set(traces.map((t) => t.outcome))).toEqual(new Set(["ok", "failed:Broken", "timeout"]))
    expect(hiddenClasses(traces.map((t) => t.symbols))).toBe(1)
    // The traces themselves too: every field in one order, whatever the outcome.
    expect(hiddenClasses(traces)).toBe(1)
  })
})
