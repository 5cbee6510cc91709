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
 * `exitsWithin(items)` runs several effects concurrently, each within its own deadline counted
 * from its own start, and gives each one's exit and end time (a pipeline group's stages: their
 * failures are trace entries). The caller waits in one callback for fibers it starts directly:
 * no `forEach`, no fork effect and no wrapper around each effect; an item that is a `Later` (a
 * built-in stage's answer by callback) gets no fiber at all. `withinAll(items)` is the same
 * for effects that do not fail: what `Effect.forEach(items, within, { concurrency: "unbounded" })`
 * gives, in the same order.
 *
 * `timer(millis, expire)` is the timer every deadline of a message uses (these two and the DNS
 * and list waits): it lets an answer that arrived in time win over a deadline that passed while
 * the process was busy (`TurnTimer.ts`: the end waits one more turn of the loop, after its read
 * of the sockets), and the waits of one length share one timer (`DeadlineLanes.ts`): a message
 * sets ~11 deadlines and clears nearly all of them long before their time.
 *
 * @category combinators
 * @since 0.1.0
 */
import { type Cause, Clock, Effect, Exit, Fiber, Option } from "effect"
import * as DeadlineGroup from "./DeadlineGroup.ts"
import { bounded, interruptedOnly, type Settled, type TimedExit } from "./DeadlineGroup.ts"
import * as DeadlineLanes from "./DeadlineLanes.ts"
import * as Later from "./Later.ts"
import { MAX_TIMER_MILLIS, timerSleep } from "./RuntimeTimer.ts"
import type { Timer } from "./TurnTimer.ts"

export type { Timer } from "./TurnTimer.ts"

/**
 * Calls `expire` once `millis` have passed and the loop has read what arrived by then, unless
 * cancelled: a wait in the process's lane for that length (`DeadlineLanes.shared`), one timer
 * per length for all its waits.
 */
export const timer = (millis: number, expire: () => void): Timer => DeadlineLanes.shared.add(millis, expire)

/** The clock `timerUntil`'s `end` is on: monotonic (`Monotonic.now()`), not a date. */
export const now = DeadlineLanes.now

/**
 * `timer` ending at `end` (ms on `now()`'s clock) for a wait whose whole length is `length`: queued with the
 * waits of that length however much of it has passed (`DeadlineLanes.addUntil`).
 */
export const timerUntil = (length: number, end: number, expire: () => void): Timer =>
  DeadlineLanes.shared.addUntil(length, end, expire)

/**
 * Waits for `fiber` with one timer: its exit as `Some`, or `None` at the deadline, when the fiber
 * is interrupted. The caller's own interruption reaches the fiber on its own (it is the caller's
 * child), so a cancelled wait only stops its timer.
 */
const waitWithTimer = <A, E>(fiber: Fiber.Fiber<A, E>, millis: number): Effect.Effect<Option.Option<A>, E> =>
  Effect.callback<Option.Option<A>, E>((resume) => {
    let stopObserving: (() => void) | undefined
    const deadline = timer(millis, () => {
      stopObserving?.()
      fiber.interruptUnsafe()
      resume(Effect.succeedNone)
    })
    stopObserving = fiber.addObserver((exit) => {
      deadline.cancel()
      resume(Exit.map(exit, Option.some))
    })
    return Effect.sync(() => {
      deadline.cancel()
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

/** One effect of `withinAll` and its deadline (not finite or not positive: none). */
export interface Timed<A, R> {
  readonly effect: Effect.Effect<A, never, R>
  readonly millis: number
}

export type { Settled, TimedExit } from "./DeadlineGroup.ts"

const effectOf = <A, E, R>(item: TimedExit<A, E, R>): Effect.Effect<A, E, R> =>
  Later.isLater(item.effect) ? Later.toEffect(item.effect) : item.effect

/** Under another clock (`TestClock`): `within` each, concurrently, the clock asked for the end. */
const exitsWithinAsked = <A, E, R>(
  items: ReadonlyArray<TimedExit<A, E, R>>
): Effect.Effect<Array<Settled<A, E>>, never, R> =>
  Effect.flatMap(
    Effect.forEach(
      items,
      (item) => {
        const ended = Effect.flatMap(Effect.exit(effectOf(item)), (exit) =>
          Effect.map(Clock.currentTimeMillis, (at) => ({ exit, at }))
        )
        return bounded(item.millis) ? Effect.map(within(ended, item.millis), Option.getOrUndefined) : ended
      },
      { concurrency: "unbounded" }
    ),
    (out) => {
      for (const s of out)
        if (s !== undefined && interruptedOnly(s.exit)) return Effect.failCause(s.exit.cause as Cause.Cause<never>)
      return Effect.succeed(out)
    }
  )

/**
 * Each effect's exit and the time it ended, or `undefined` when it ran out of its own deadline
 * (counted from its own start; it is then interrupted), in the items' order: a failure is a
 * value here, an interruption is handed on (the caller is interrupted, the others too).
 *
 * The effects start one after the other in the caller's fiber (each runs until it first waits),
 * each in a fiber of its own with the caller's services, except a `Later`, whose wait is started
 * here with the caller as its waiter (no fiber); the caller waits for them in one callback (one
 * timer per effect still running, one observer per fiber or `Later`), without a fiber or a
 * continuation around each effect. Interrupting the caller interrupts those still running (a
 * `Later` is cancelled) and waits for the fibers, as a child fiber's parent does.
 */
export const exitsWithin = <A, E, R>(
  items: ReadonlyArray<TimedExit<A, E, R>>
): Effect.Effect<Array<Settled<A, E>>, never, R> =>
  Effect.clockWith((clock) =>
    clock.sleep !== timerSleep
      ? exitsWithinAsked(items)
      : Effect.callback<Array<Settled<A, E>>, never, R>((resume) => DeadlineGroup.register(items, clock, resume))
  )

/** Each item's value as `Some`, or `None` when it ran out of its own deadline; in the items' order. */
export const withinAll = <A, R>(items: ReadonlyArray<Timed<A, R>>): Effect.Effect<Array<Option.Option<A>>, never, R> =>
  Effect.flatMap(exitsWithin(items), (out) => {
    const values: Array<Option.Option<A>> = []
    for (const s of out) {
      if (s === undefined) values.push(Option.none())
      // The items never fail: only a defect reaches here, and it is the caller's.
      else if (Exit.isFailure(s.exit)) return Effect.failCause(s.exit.cause)
      else values.push(Option.some(s.exit.value))
    }
    return Effect.succeed(values)
  })
