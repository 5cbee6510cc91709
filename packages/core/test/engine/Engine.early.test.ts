// The connect, mail and rcpt phases as the gateway's runner runs them: a phase whose lone inline
// stage answers at once is itself a finished effect (the runner needs no fiber for it), with the
// outcome the phase gives when run as an effect; anything else runs when the effect runs, as before.
import { Effect, Exit } from "effect"
import { describe, expect, test } from "vitest"
import { Engine, Envelope, Facts, type Stage, type StageResult, StageError } from "../../src/index.ts"
import type { Phase } from "../../src/Stage.ts"

const envelope = Envelope.make({ clientAddress: "192.0.2.1", mailFrom: "s@example.net", rcptTo: ["a@example.org"] })
const SYMBOLS = { SEEN: { weight: 1, description: "seen" } }

type Answer = "bypass" | "symbol" | "nothing" | "fails" | "throws" | "waits"
const resultOf = (answer: Answer): StageResult =>
  answer === "bypass"
    ? { symbols: [], decision: { _tag: "Bypass", rule: "r", reason: "x" } }
    : answer === "symbol"
      ? { symbols: [{ name: "SEEN", score: 1, source: "t", detail: "d" }], facts: { n: 1 } }
      : { symbols: [] }

/** A lone inline stage of `phase` answering as told; `calls` counts its `run` calls. */
const inlineStage = (phase: Phase, answer: Answer, calls: { n: number }): Stage => ({
  name: `inline-${phase}`,
  phase,
  budgetMillis: 1000,
  symbols: SYMBOLS,
  inline: true,
  run: () => {
    calls.n++
    if (answer === "throws") throw new Error("bug")
    if (answer === "fails") return Effect.fail(new StageError({ stage: "s", reason: "Down", temporary: true }))
    if (answer === "waits") return Effect.as(Effect.yieldNow, resultOf("nothing"))
    return Effect.succeed(resultOf(answer))
  }
})

const phaseOf = (engine: Engine.Engine, phase: Phase) =>
  phase === "connect"
    ? engine.connect(envelope, Facts.make())
    : phase === "mail"
      ? engine.mail(envelope, Facts.make())
      : engine.rcpt(envelope, "a@example.org", Facts.make())

describe("the early phases at once", () => {
  const answers: ReadonlyArray<Answer> = ["bypass", "symbol", "nothing", "fails", "throws", "waits"]
  const cases = (["connect", "mail", "rcpt"] as const).flatMap((phase) =>
    answers.map((answer) => [phase, answer] as const)
  )
  test.each(cases)(
    "%s, a stage that %s: finished exactly when it answered at once; the same outcome either way",
    async (phase, answer) => {
      const calls = { n: 0 }
      const engine = Effect.runSync(Engine.make({ stages: [inlineStage(phase, answer, calls)] }))
      const run = phaseOf(engine, phase)
      const atOnce = answer === "bypass" || answer === "symbol" || answer === "nothing"
      expect(Exit.isExit(run)).toBe(atOnce)
      const outcome = await Effect.runPromise(run)
      expect(calls.n).toBe(1)
      // The same stage behind a suspension (how the phase ran before): the same outcome, times aside.
      const lazy = Effect.runSync(
        Engine.make({
          stages: [
            {
              ...inlineStage(phase, answer, calls),
              run: (i) => Effect.suspend(() => inlineStage(phase, answer, calls).run(i))
            }
          ]
        })
      )
      const before = await Effect.runPromise(phaseOf(lazy, phase))
      const timeless = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k === "millis" ? undefined : x)))
      expect(timeless(outcome)).toEqual(timeless(before))
      if (atOnce) expect(outcome.traces[0]!.millis).toBe(0)
      else
        expect(outcome.traces[0]!.outcome).toBe(
          answer === "waits" ? "ok" : answer === "fails" ? "failed:Down" : "failed:Defect"
        )
    }
  )
})
