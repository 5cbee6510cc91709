/**
 * `within(self, millis)`: `self`'s value as `Some`, or `None` when it has not finished within
 * `millis` (it is then interrupted) — what `Effect.timeoutOption` does, at a cost that fits the
 * per-message path: every stage, list lookup and DNS question of a message has a deadline.
 *
 * `Effect.timeoutOption` races `self` against a sleep: two forked fibers and a timer per call,
 * even when `self` answers at once (a cached DNS answer). Here `self` runs in one child fiber
 * started at once; when it has already finished, that is the answer and no timer is set;
 * otherwise one timer on the fiber's clock interrupts it at the deadline.
 *
 * **Gotchas**
 * - The timer is a plain `setTimeout` only under the runtime's own clock (the one that sleeps
 *   with timers); under any other `Clock` (`TestClock`) the wait is `Effect.timeoutOption`, so
 *   tests that drive time still decide when a deadline passes.
 * - Interrupting the caller interrupts `self` (it is the caller's child fiber).
 *
 * @category combinators
 * @since 0.1.0
 */
import { Clock, Effect, Exit, Fiber, Option } from "effect"

/** The runtime's own clock sleeps with `setTimeout`; a clock with another `sleep` (TestClock) is asked. */
const timerSleep = Clock.Clock.defaultValue().sleep
/** `setTimeout` fires at once beyond this many milliseconds. */
const MAX_TIMER_MILLIS = 2_147_483_647

const waitWithTimer = <A, E>(fiber: Fiber.Fiber<A, E>, millis: number): Effect.Effect<Option.Option<A>, E> =>
  Effect.callback<Option.Option<A>, E>((resume) => {
    let stopObserving: (() => void) | undefined
    const timer = setTimeout(() => {
      stopObserving?.()
      fiber.interruptUnsafe()
      resume(Effect.succeedNone)
    }, millis)
    stopObserving = fiber.addObserver((exit) => {
      clearTimeout(timer)
      resume(Exit.map(exit, Option.some))
    })
    return Effect.sync(() => {
      clearTimeout(timer)
      stopObserving?.()
    })
  })

/** `self` within `millis` milliseconds (see the module comment); `millis` must be positive and finite. */
export const within = <A, E, R>(self: Effect.Effect<A, E, R>, millis: number): Effect.Effect<Option.Option<A>, E, R> =>
  Effect.flatMap(Effect.forkChild(self, { startImmediately: true }), (fiber) => {
    const done = fiber.pollUnsafe()
    if (done !== undefined) return Exit.map(done, Option.some)
    return Effect.clockWith((clock) =>
      clock.sleep === timerSleep && millis <= MAX_TIMER_MILLIS
        ? waitWithTimer(fiber, millis)
        : Effect.timeoutOption(Fiber.join(fiber), millis).pipe(
            Effect.tap((o) => (Option.isNone(o) ? Fiber.interrupt(fiber) : Effect.void))
          )
    )
  })
