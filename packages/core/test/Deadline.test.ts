// Deadline.within: the value within the deadline, None after it (and `self` interrupted), no
// timer for an effect that finishes at once, the fiber's TestClock deciding under test.
// Deadline.withinAll: the same for several effects at once, each with its own deadline.
import { Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, describe, expect, it, vi } from "vitest"
import { within, withinAll } from "../src/Deadline.ts"
import { referencedTimers } from "./support/referencedTimers.ts"

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

  it("an answer before the deadline: Some; no referenced timer is left (the lane's is parked)", async () => {
    const referenced = referencedTimers()
    expect(await Effect.runPromise(within(later("a", 5), 5000))).toEqual(Option.some("a"))
    expect(referenced()).toBe(0)
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

/** Holds this thread for `millis` (no other fiber runs meanwhile), then gives `value`. */
const blockFor = <A>(millis: number, value: A) =>
  Effect.sync(() => {
    const until = Date.now() + millis
    while (Date.now() < until) {}
    return value
  })

describe("Deadline.withinAll", () => {
  it("each effect within its own deadline, in order: late ones None and interrupted, quick ones Some", async () => {
    let interrupted = 0
    const slow = <A>(value: A) => later(value, 10_000).pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted++)))
    const out = await Effect.runPromise(
      withinAll([
        { effect: slow("a"), millis: 20 },
        { effect: Effect.succeed("b"), millis: 20 },
        { effect: later("c", 5), millis: 5000 },
        { effect: later("d", 30), millis: 0 }, // no deadline
        { effect: slow("e"), millis: 40 }
      ])
    )
    expect(out).toEqual([Option.none(), Option.some("b"), Option.some("c"), Option.some("d"), Option.none()])
    await new Promise((r) => setTimeout(r, 5))
    expect(interrupted).toBe(2)
  })

  it("effects that finish at once: no timer; none at all: an empty list", async () => {
    const timers = vi.spyOn(globalThis, "setTimeout")
    expect(
      await Effect.runPromise(
        withinAll([
          { effect: Effect.succeed(1), millis: 1000 },
          { effect: Effect.succeed(2), millis: 1000 }
        ])
      )
    ).toEqual([Option.some(1), Option.some(2)])
    expect(await Effect.runPromise(withinAll([]))).toEqual([])
    expect(timers).not.toHaveBeenCalled()
  })

  it("a deadline counts from the effect's own start, not from when the others had started", async () => {
    // The second effect blocks this thread for 60 ms when it starts: the first one's 40 ms are
    // over by then. Its timer is set when it starts, for its 40 ms (counted from when the second
    // had started it would be set after the block, for 40 ms more). The timers' lengths and
    // their order are what is checked, not a race between two timers, which a loaded machine
    // can reorder.
    const timers = vi.spyOn(globalThis, "setTimeout")
    const late = await Effect.runPromise(
      withinAll([
        { effect: later("first", 5_000), millis: 40 },
        { effect: blockFor(60, "blocking"), millis: 1000 }
      ])
    )
    expect(late).toEqual([Option.none(), Option.some("blocking")])
    // The first effect's own wait, then its deadline; nothing set after the block but the
    // deadline's turn of the loop (a zero timer where there is no `setImmediate`).
    // The deadline's timer is what is left of its 40 ms when it is set: a loaded machine may
    // have spent a millisecond or two since the effect started (the first effect's own timer).
    const lengths = timers.mock.calls.map(([, ms]) => Number(ms))
    expect(lengths[0]).toBe(5_000)
    expect(lengths[1]).toBeGreaterThan(30)
    expect(lengths[1]).toBeLessThanOrEqual(40)
    expect(lengths.slice(2).every((ms) => ms === 0)).toBe(true)
    timers.mockRestore()
  })

  it("a deadline does not start before the effect does", async () => {
    // The first effect blocks this thread for 60 ms before it first waits, so the second one
    // starts 60 ms after the first: its 50 ms deadline counts from then.
    const busy = blockFor(60, "busy")
    const out = await Effect.runPromise(
      withinAll([
        { effect: Effect.flatMap(busy, (b) => later(b, 1)), millis: 1000 },
        { effect: later("second", 20), millis: 50 }
      ])
    )
    expect(out).toEqual([Option.some("busy"), Option.some("second")])
  })

  it("interrupting the caller interrupts every effect still running", async () => {
    let interrupted = 0
    const slow = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted++)))
    await Effect.runPromise(
      Effect.gen(function* () {
        const f = yield* Effect.forkChild(
          withinAll([
            { effect: slow, millis: 60_000 },
            { effect: slow, millis: 0 },
            { effect: Effect.succeed(1), millis: 10 }
          ])
        )
        yield* Effect.sleep(5)
        yield* Fiber.interrupt(f)
      })
    )
    expect(interrupted).toBe(2)
  })

  it("under TestClock the deadlines pass when the clock is moved", async () => {
    const program = Effect.gen(function* () {
      const f = yield* Effect.forkChild(
        withinAll([
          { effect: Effect.never, millis: 1000 },
          { effect: Effect.as(Effect.sleep("500 millis"), "half"), millis: 2000 }
        ])
      )
      yield* TestClock.adjust("999 millis")
      const early = f.pollUnsafe()
      yield* TestClock.adjust("1 millis")
      return { early, result: yield* Fiber.join(f) }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.early).toBeUndefined()
    expect(r.result).toEqual([Option.none(), Option.some("half")])
  })
})
