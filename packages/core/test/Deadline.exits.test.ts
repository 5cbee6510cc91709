// Deadline.exitsWithin: each effect's exit (a failure is a value) and end time, `undefined` past
// its own deadline (then interrupted); an interruption from elsewhere is handed on to the caller
// and stops the others; interrupting the caller interrupts what still runs and waits for it; the
// fiber's TestClock deciding under test.
import { Cause, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { exitsWithin } from "../src/Deadline.ts"

const later = <A>(value: A, millis: number) =>
  Effect.callback<A>((resume) => {
    const t = setTimeout(() => resume(Effect.succeed(value)), millis)
    return Effect.sync(() => clearTimeout(t))
  })

class Boom {
  readonly _tag = "Boom"
}

describe("Deadline.exitsWithin", () => {
  it("exits in order: successes, failures and defects as values, late ones undefined and interrupted", async () => {
    let interrupted = 0
    const slow = later("a", 10_000).pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted++)))
    const before = Date.now()
    const out = await Effect.runPromise(
      exitsWithin<string, Boom, never>([
        { effect: slow, millis: 20 },
        { effect: Effect.succeed("b"), millis: 20 },
        { effect: Effect.flatMap(later("c", 5), () => Effect.fail(new Boom())), millis: 5000 },
        { effect: Effect.flatMap(later("d", 5), () => Effect.die("defect")), millis: 0 },
        { effect: later("e", 30), millis: 0 } // no deadline
      ])
    )
    const after = Date.now()
    expect(out[0]).toBeUndefined()
    expect(out[1]?.exit).toEqual(Exit.succeed("b"))
    expect(Exit.isFailure(out[2]!.exit) && Cause.squash(out[2]!.exit.cause)).toBeInstanceOf(Boom)
    expect(Exit.isFailure(out[3]!.exit) && Cause.hasDies(out[3]!.exit.cause)).toBe(true)
    expect(out[4]?.exit).toEqual(Exit.succeed("e"))
    for (const s of out.slice(1)) {
      expect(s!.at).toBeGreaterThanOrEqual(before)
      expect(s!.at).toBeLessThanOrEqual(after)
    }
    await new Promise((r) => setTimeout(r, 5))
    expect(interrupted).toBe(1)
  })

  it("no items: none, at once", async () => {
    expect(await Effect.runPromise(exitsWithin([]))).toEqual([])
  })

  it("an item interrupted from elsewhere interrupts the caller and the other items", async () => {
    let interrupted = 0
    const slow = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted++)))
    const exit = await Effect.runPromiseExit(
      exitsWithin([
        { effect: slow, millis: 60_000 },
        { effect: Effect.flatMap(later("x", 5), () => Effect.interrupt), millis: 60_000 },
        { effect: slow, millis: 0 }
      ])
    )
    expect(Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)).toBe(true)
    await new Promise((r) => setTimeout(r, 5))
    expect(interrupted).toBe(2)
  })

  it("interrupting the caller interrupts every item still running and waits for them", async () => {
    const events: Array<string> = []
    const slow = (name: string) =>
      Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => events.push(`stopped ${name}`))))
    await Effect.runPromise(
      Effect.gen(function* () {
        const f = yield* Effect.forkChild(
          exitsWithin([
            { effect: slow("a"), millis: 60_000 },
            { effect: slow("b"), millis: 0 },
            { effect: Effect.succeed(1), millis: 10 }
          ])
        )
        yield* Effect.sleep(5)
        yield* Fiber.interrupt(f)
        events.push("caller interrupted")
      })
    )
    expect(events).toEqual(["stopped a", "stopped b", "caller interrupted"])
  })

  it("under TestClock the deadlines pass when the clock is moved", async () => {
    const program = Effect.gen(function* () {
      const f = yield* Effect.forkChild(
        exitsWithin<string, Boom, never>([
          { effect: Effect.never, millis: 1000 },
          { effect: Effect.as(Effect.sleep("500 millis"), "half"), millis: 2000 },
          { effect: Effect.flatMap(Effect.sleep("200 millis"), () => Effect.fail(new Boom())), millis: 2000 }
        ])
      )
      yield* TestClock.adjust("999 millis")
      const early = f.pollUnsafe()
      yield* TestClock.adjust("1 millis")
      return { early, result: yield* Fiber.join(f) }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.early).toBeUndefined()
    expect(r.result[0]).toBeUndefined()
    expect(r.result[1]).toEqual({ exit: Exit.succeed("half"), at: 500 })
    expect(r.result[2]?.at).toBe(200)
    expect(Exit.isFailure(r.result[2]!.exit)).toBe(true)
  })
})
