// Deadline.exitsWithin over Laters (built-in stages' answers by callback): waited for in the
// caller's callback with no fiber of their own, with the exits, deadlines and cancels an effect
// of the same wait gets: for any mix of delays, outcomes and deadlines, the same settled items
// as the same waits given as effects (`Later.toEffect`, each in a fiber).
import { fc, test } from "@fast-check/vitest"
import { Cause, Effect, Exit, Fiber } from "effect"
import { describe, expect, it } from "vitest"
import { exitsWithin } from "../src/Deadline.ts"
import * as Later from "../src/Later.ts"

type Spec = { readonly millis: number; readonly outcome: "ok" | "fail" | "die"; readonly deadline: number }

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    // 0: told inside `wait`; -1: never told (then it has a deadline).
    millis: fc.constantFrom(-1, 0, 1, 5, 40),
    outcome: fc.constantFrom("ok" as const, "fail" as const, "die" as const),
    deadline: fc.constantFrom(0, 20, 1000)
  })
  .map((s) => (s.millis === -1 && s.deadline === 0 ? { ...s, deadline: 20 } : s))

const laterOf = (spec: Spec, i: number, cancelled: Array<number>): Later.Later<string, string> =>
  Later.flatMap(
    Later.make<number, string>((done) => {
      const tell = () => done(spec.outcome === "fail" ? Exit.fail(`no ${i}`) : Exit.succeed(i))
      if (spec.millis === 0) {
        tell()
        return () => {}
      }
      const t = spec.millis > 0 ? setTimeout(tell, spec.millis) : undefined
      return () => {
        cancelled.push(i)
        clearTimeout(t)
      }
    }),
    (n) => {
      if (spec.outcome === "die") throw new Error(`broke ${n}`)
      return `v${n}`
    }
  )

/** What an item settled as, without its time: the exit's kind and value or error. */
const shapeOf = (s: { readonly exit: Exit.Exit<string, string> } | undefined) =>
  s === undefined
    ? "late"
    : Exit.isSuccess(s.exit)
      ? `ok ${s.exit.value}`
      : Cause.hasDies(s.exit.cause)
        ? "die"
        : `fail ${String(Cause.squash(s.exit.cause))}`

/** The next fiber's id less one: Effect numbers its fibers from one counter (the probe is one). */
const fibersSoFar = () => Effect.runFork(Effect.void).id

describe("Deadline.exitsWithin over Laters", () => {
  test.prop([fc.array(specArb, { minLength: 1, maxLength: 5 })], { numRuns: 40 })(
    "settles as the same waits given as effects do; late ones are cancelled",
    async (specs) => {
      const cancelledLater: Array<number> = []
      const cancelledEffect: Array<number> = []
      const [byLater, byEffect] = await Promise.all([
        Effect.runPromise(
          exitsWithin(specs.map((s, i) => ({ effect: laterOf(s, i, cancelledLater), millis: s.deadline })))
        ),
        Effect.runPromise(
          exitsWithin(
            specs.map((s, i) => ({ effect: Later.toEffect(laterOf(s, i, cancelledEffect)), millis: s.deadline }))
          )
        )
      ])
      expect(byLater.map(shapeOf)).toEqual(byEffect.map(shapeOf))
      expect(cancelledLater.sort()).toEqual(cancelledEffect.sort())
    }
  )

  it("starts no fiber for a Later", async () => {
    const items = [0, 1, 2].map((i) => ({
      effect: laterOf({ millis: 2, outcome: "ok", deadline: 1000 }, i, []),
      millis: 1000
    }))
    const before = fibersSoFar()
    // The caller's fiber and the probe's are the only ones.
    const out = await Effect.runPromise(exitsWithin(items))
    expect(fibersSoFar() - before).toBe(2)
    expect(out.map(shapeOf)).toEqual(["ok v0", "ok v1", "ok v2"])
  })

  it("interrupting the caller cancels the Laters still waited for", async () => {
    const cancelled: Array<number> = []
    const never = (i: number) => laterOf({ millis: -1, outcome: "ok", deadline: 0 }, i, cancelled)
    await Effect.runPromise(
      Effect.gen(function* () {
        const f = yield* Effect.forkChild(
          exitsWithin([
            { effect: never(0), millis: 0 },
            { effect: never(1), millis: 60_000 }
          ])
        )
        yield* Effect.sleep(5)
        yield* Fiber.interrupt(f)
      }).pipe(Effect.flatMap(() => Effect.void))
    )
    expect(cancelled.sort()).toEqual([0, 1])
  })
})
