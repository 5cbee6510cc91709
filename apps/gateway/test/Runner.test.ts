import { Clock, Context, Effect, Exit, Logger } from "effect"
import { describe, expect, it } from "vitest"
import { FiberClock } from "@mailmoat/core"
import * as Runner from "../src/runtime/Runner.ts"

describe("runtime runner", () => {
  const run = Runner.make(Context.empty())

  it("gives the value at once when the effect finishes as it starts, a finished Exit included", () => {
    expect(run(Effect.succeed(1))).toBe(1)
    expect(
      run(
        Effect.map(
          Effect.sync(() => 2),
          (n) => n + 1
        )
      )
    ).toBe(3)
    expect(run(Effect.clockWith((clock) => Effect.succeed(typeof clock.currentTimeMillisUnsafe())))).toBe("number")
  })

  it("gives a promise when the effect waits", async () => {
    const waiting = run(Effect.as(Effect.sleep("5 millis"), "later"))
    expect(waiting).toBeInstanceOf(Promise)
    await expect(waiting).resolves.toBe("later")
  })

  it("throws or rejects with the failure, as runPromise does", async () => {
    const boom = new Error("boom")
    expect(() => run(Effect.die(boom))).toThrow(boom)
    expect(() => run(Effect.suspend(() => Effect.die(boom)))).toThrow(boom)
    await expect(run(Effect.andThen(Effect.sleep("1 millis"), Effect.die(boom)))).rejects.toBe(boom)
  })

  it("runs in the given services, with its own loggers when given", async () => {
    const seen: Array<string> = []
    const logger = Logger.make((o) => seen.push(String(o.message)))
    const clock = Clock.Clock.defaultValue()
    const stopped = Object.assign(Object.create(Object.getPrototypeOf(clock)), clock, {
      currentTimeMillisUnsafe: () => 42
    })
    const fixed = Context.make(Clock.Clock, stopped)
    const runner = Runner.make(fixed as Context.Context<never>, new Set([logger]))
    expect(runner(Effect.clockWith((clock) => Effect.succeed(clock.currentTimeMillisUnsafe())))).toBe(42)
    runner(Effect.logWarning("now"))
    await runner(Effect.andThen(Effect.sleep("1 millis"), Effect.logWarning("later")))
    expect(seen).toEqual(["now", "later"])
  })

  it("lends the clock it runs effects with while an effect is built, and only then", () => {
    const clock = Clock.Clock.defaultValue()
    const stopped = Object.assign(Object.create(Object.getPrototypeOf(clock)), clock, {
      currentTimeMillisUnsafe: () => 42
    })
    const runner = Runner.make(Context.make(Clock.Clock, stopped) as Context.Context<never>)
    expect(runner.lend(() => FiberClock.current())).toBe(stopped)
    expect(FiberClock.current()).toBeUndefined()
    const built = runner.lend(() => FiberClock.clockWithEager((c) => Effect.succeed(c.currentTimeMillisUnsafe())))
    expect(Exit.isExit(built)).toBe(true)
    expect(runner(built)).toBe(42)
    // A runner over no clock of its own lends the runtime's default, the one its fibers get.
    expect(run.lend(() => FiberClock.current())).toBe(run(Effect.clockWith((c) => Effect.succeed(c))))
  })
})
