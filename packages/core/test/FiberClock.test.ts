// A clock lent while an effect is built: read at once outside a fiber, only while `build` runs,
// never over a fiber's own clock.
import { Clock, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { FiberClock } from "../src/index.ts"

/** The default clock, stopped at `millis`. */
const stoppedAt = (millis: number): Clock.Clock => {
  const clock = Clock.Clock.defaultValue()
  return Object.assign(Object.create(Object.getPrototypeOf(clock)), clock, { currentTimeMillisUnsafe: () => millis })
}

/** An effect that reads the clock eagerly, and whether its function ran while it was built. */
const reading = () => {
  const seen: Array<number> = []
  const effect = FiberClock.clockWithEager((clock) => {
    const now = clock.currentTimeMillisUnsafe()
    seen.push(now)
    return Effect.succeed(now)
  })
  return { effect, seen }
}

describe("FiberClock.lend", () => {
  it("outside a fiber, nothing lent: no clock; the function runs when the effect runs", () => {
    expect(FiberClock.current()).toBeUndefined()
    const { effect, seen } = reading()
    expect(seen).toEqual([])
    expect(Exit.isExit(effect)).toBe(false)
    expect(typeof Effect.runSync(effect)).toBe("number")
    expect(seen.length).toBe(1)
  })

  it("a lent clock is read at once: the effect is finished as it is built, at the lent clock's time", () => {
    const { effect, seen } = FiberClock.lend(stoppedAt(42), reading)
    expect(seen).toEqual([42])
    expect(Exit.isExit(effect)).toBe(true)
    expect(Effect.runSync(effect)).toBe(42)
    expect(seen).toEqual([42])
  })

  it("is taken back when build returns or throws; an inner loan gives the outer one back", () => {
    const outer = stoppedAt(1)
    FiberClock.lend(outer, () => {
      expect(FiberClock.current()).toBe(outer)
      FiberClock.lend(stoppedAt(2), () => expect(FiberClock.current()?.currentTimeMillisUnsafe()).toBe(2))
      expect(FiberClock.current()).toBe(outer)
      expect(() =>
        FiberClock.lend(stoppedAt(3), () => {
          throw new Error("build failed")
        })
      ).toThrow("build failed")
      expect(FiberClock.current()).toBe(outer)
    })
    expect(FiberClock.current()).toBeUndefined()
    expect(Exit.isExit(reading().effect)).toBe(false)
  })

  it("a fiber's own clock wins over a lent one", () => {
    const inFiber = FiberClock.lend(stoppedAt(42), () =>
      Effect.runSync(
        Effect.provideService(
          Effect.suspend(() => reading().effect),
          Clock.Clock,
          stoppedAt(7)
        )
      )
    )
    expect(inFiber).toBe(7)
  })
})
