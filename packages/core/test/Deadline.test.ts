// Deadline.within: the value within the deadline, None after it (and `self` interrupted), no
// timer for an effect that finishes at once, the fiber's TestClock deciding under test.
import { Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, describe, expect, it, vi } from "vitest"
import { within } from "../src/Deadline.ts"

afterEach(() => vi.restoreAllMocks())

const later = <A>(value: A, millis: number) =>
  Effect.callback<A>((resume) => {
    const t = setTimeout(() => resume(Effect.succeed(value)), millis)
    return Effect.sync(() => clearTimeout(t))
  })

describe("Deadline.within", () => {
  it("an effect that finishes at once: its value, and no timer set", async () => {
    const timers = vi.spyOn(globalThis, "setTimeout")
    expect(await Effect.runPromise(within(Effect.succeed(1), 1000))).toEqual(Option.some(1))
    expect(timers).not.toHaveBeenCalled()
  })

  it("an answer before the deadline: Some; the timer is cleared", async () => {
    const cleared = vi.spyOn(globalThis, "clearTimeout")
    expect(await Effect.runPromise(within(later("a", 5), 5000))).toEqual(Option.some("a"))
    expect(cleared).toHaveBeenCalled()
  })

  it("no answer by the deadline: None, and the effect is interrupted", async () => {
    let interrupted = false
    const slow = later("late", 10_000).pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true))))
    expect(await Effect.runPromise(within(slow, 20))).toEqual(Option.none())
    await new Promise((r) => setTimeout(r, 5))
    expect(interrupted).toBe(true)
  })

  it("a failure stays a failure (sync and async)", async () => {
    const sync = await Effect.runPromise(Effect.result(within(Effect.fail("no"), 1000)))
    expect(sync._tag === "Failure" && sync.failure).toBe("no")
    const async = await Effect.runPromise(
      Effect.result(
        within(
          Effect.flatMap(later(0, 5), () => Effect.fail("no")),
          1000
        )
      )
    )
    expect(async._tag === "Failure" && async.failure).toBe("no")
  })

  it("interrupting the caller interrupts the effect", async () => {
    let interrupted = false
    const slow = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true))))
    await Effect.runPromise(
      Effect.gen(function* () {
        const f = yield* Effect.forkChild(within(slow, 60_000))
        yield* Effect.sleep(5)
        yield* Fiber.interrupt(f)
      })
    )
    expect(interrupted).toBe(true)
  })

  it("under TestClock the deadline passes when the clock is moved, not by wall time", async () => {
    const program = Effect.gen(function* () {
      const f = yield* Effect.forkChild(within(Effect.never, 1000))
      yield* TestClock.adjust("999 millis")
      const early = f.pollUnsafe()
      yield* TestClock.adjust("1 millis")
      return { early, result: yield* Fiber.join(f) }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.early).toBeUndefined()
    expect(r.result).toEqual(Option.none())
  })
})
