// Later: a value by callback, waited for without a fiber. Its continuations run when it comes
// (the waiter's clock lent), a failure skips them, a throw is a defect; an effect a continuation
// gives runs in the waiter's services; a cancel stops every step and `done` is never called
// after it; as an effect (`toEffect`) it gives the same exit.
import { Cause, Clock, Effect, Exit, type Fiber } from "effect"
import { describe, expect, it } from "vitest"
import * as FiberClock from "../src/FiberClock.ts"
import * as Later from "../src/Later.ts"

/** `value` after `millis` (0: at once, inside `wait`); counts its cancels. */
const after = <A>(value: A, millis: number, cancels = { n: 0 }): Later.Later<A> =>
  Later.make((done) => {
    if (millis === 0) {
      done(Exit.succeed(value))
      return () => {}
    }
    const t = setTimeout(() => done(Exit.succeed(value)), millis)
    return () => {
      cancels.n++
      clearTimeout(t)
    }
  })

const clock = Clock.Clock.defaultValue()
const waiter: Later.Waiter = {
  clock,
  fork: (effect, done) => {
    const fiber = Effect.runFork(effect as Effect.Effect<unknown, unknown>) as Fiber.Fiber<never, never>
    fiber.addObserver(done)
    return () => fiber.interruptUnsafe()
  }
}

const waited = <A, E, R>(later: Later.Later<A, E, R>) =>
  new Promise<Exit.Exit<A, E>>((resolve) => {
    later.wait(resolve, waiter)
  })

describe("Later", () => {
  it("chains values given at once, later, as effects and as other Laters, in order", async () => {
    const steps: Array<string> = []
    const chained = Later.flatMap(after(1, 0), (a) => {
      steps.push(`at once ${a}`)
      return Later.flatMap(after(a + 1, 5), (b) => {
        steps.push(`later ${b}`)
        return Effect.map(Effect.sleep(1), () => b * 10)
      })
    })
    expect(await waited(chained)).toEqual(Exit.succeed(20))
    expect(steps).toEqual(["at once 1", "later 2"])
  })

  it("a failure skips the continuation; a throw in it is a defect", async () => {
    let called = false
    const failed = Later.flatMap(
      Later.make<number, string>((done) => {
        done(Exit.fail("no"))
        return () => {}
      }),
      () => {
        called = true
        return 1
      }
    )
    expect(await waited(failed)).toEqual(Exit.fail("no"))
    expect(called).toBe(false)
    const thrown = await waited(
      Later.flatMap(after(1, 2), () => {
        throw new Error("broke")
      })
    )
    expect(Exit.isFailure(thrown) && Cause.hasDies(thrown.cause)).toBe(true)
  })

  it("continuations run with the waiter's clock lent", async () => {
    let seen: Clock.Clock | undefined
    await waited(
      Later.flatMap(after(1, 2), () => {
        seen = FiberClock.current()
        return 1
      })
    )
    expect(seen).toBe(clock)
  })

  it("a cancel stops the step waited for, and `done` is not called after it", async () => {
    const cancels = { n: 0 }
    let told = 0
    let continued = false
    const cancel = Later.flatMap(after(1, 5, cancels), () => {
      continued = true
      return 2
    }).wait(() => told++, waiter)
    cancel()
    await new Promise((r) => setTimeout(r, 20))
    expect([cancels.n, told, continued]).toEqual([1, 0, false])

    // Cancelled while the second step (an effect) runs: that fiber is interrupted.
    let interrupted = false
    const second = Later.flatMap(after(1, 1), () =>
      Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true))))
    ).wait(() => told++, waiter)
    await new Promise((r) => setTimeout(r, 10))
    second()
    await new Promise((r) => setTimeout(r, 5))
    expect([interrupted, told]).toEqual([true, 0])
  })

  it("a promise's value later; its rejection a defect", async () => {
    expect(await waited(Later.fromPromise(Promise.resolve("x")))).toEqual(Exit.succeed("x"))
    const rejected = await waited(Later.fromPromise(Promise.reject(new Error("gone"))))
    expect(Exit.isFailure(rejected) && Cause.hasDies(rejected.cause)).toBe(true)
  })

  it("as an effect: the same exit, continuations' effects in the running fiber's services", async () => {
    const value = await Effect.runPromise(
      Later.toEffect(Later.flatMap(after(2, 3), (a) => Effect.map(Clock.currentTimeMillis, () => a * 2)))
    )
    expect(value).toBe(4)
    const exit = await Effect.runPromiseExit(
      Later.toEffect(
        Later.make<number, string>((done) => {
          done(Exit.fail("no"))
          return () => {}
        })
      )
    )
    expect(exit).toEqual(Exit.fail("no"))
  })
})
