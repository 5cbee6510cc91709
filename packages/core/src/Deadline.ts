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
 * `withinAll(items)` runs several effects concurrently, each within its own deadline counted from
 * its own start, with one child fiber each (no fiber per item around it): what
 * `Effect.forEach(items, within, { concurrency: "unbounded" })` gives, in the same order.
 *
 * `timer(millis, expire)` is the timer every deadline of a message uses (these two and the DNS
 * and list waits): it lets an answer that arrived in time win over a deadline that passed while
 * the process was busy. A timer's callback runs before the event loop reads the sockets that
 * became readable meanwhile; after a long synchronous stretch (a cold process compiling its
 * code, a starved CPU) an expired deadline would otherwise fire first, and a listed client's
 * message would pass as "list timed out" with the list's answer unread in the socket. So the
 * end is put off by one turn of the loop (`setImmediate`, which runs after that read), and the
 * owner's `cancel` on the answer stops it.
 *
 * @category combinators
 * @since 0.1.0
 */
import { Effect, Exit, Fiber, Option } from "effect"
import { MAX_TIMER_MILLIS, timerSleep } from "./RuntimeTimer.ts"

/** A deadline's timer (see the module comment): `cancel` before `expire` ran and it never runs. */
export interface Timer {
  cancel(): void
}

const runtime = globalThis as unknown as {
  readonly setImmediate?: (run: () => void) => unknown
  readonly clearImmediate?: (handle: unknown) => void
}
// Node, Bun and Deno's Node globals have `setImmediate`; elsewhere a zero timer also runs after
// the loop's next read of the sockets. Looked up at each call, as timers are (fake timers in tests).
const nextTurn = (run: () => void): unknown =>
  runtime.setImmediate !== undefined ? runtime.setImmediate(run) : setTimeout(run, 0)
const cancelTurn = (handle: unknown): void => {
  if (runtime.clearImmediate !== undefined) runtime.clearImmediate(handle)
  else clearTimeout(handle as ReturnType<typeof setTimeout>)
}

class TurnTimer implements Timer {
  private timer: ReturnType<typeof setTimeout> | undefined
  private turn: unknown = undefined
  constructor(
    millis: number,
    private readonly expire: () => void
  ) {
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        this.turn = nextTurn(() => {
          this.turn = undefined
          this.expire()
        })
      },
      Math.min(MAX_TIMER_MILLIS, Math.max(0, millis))
    )
  }
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    if (this.turn !== undefined) cancelTurn(this.turn)
    this.timer = undefined
    this.turn = undefined
  }
}

/** Calls `expire` once `millis` have passed and the loop has read what arrived by then, unless cancelled. */
export const timer = (millis: number, expire: () => void): Timer => new TurnTimer(millis, expire)

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

const bounded = (millis: number) => millis > 0 && Number.isFinite(millis)

/** Waits for every fiber; a fiber still running `millis[i]` after `startedAt[i]` is interrupted and gives None. */
const awaitAll = <A>(
  fibers: ReadonlyArray<Fiber.Fiber<A>>,
  millis: ReadonlyArray<number>,
  startedAt: ReadonlyArray<number>,
  now: () => number
): Effect.Effect<Array<Option.Option<A>>> =>
  Effect.callback<Array<Option.Option<A>>>((resume) => {
    const outs: Array<Option.Option<A> | undefined> = fibers.map(() => undefined)
    const timers: Array<Timer | undefined> = []
    const stops: Array<(() => void) | undefined> = []
    let left = fibers.length
    let over = false
    const cleanUp = () => {
      for (const t of timers) t?.cancel()
      for (const stop of stops) stop?.()
    }
    const settle = (i: number, exit: Exit.Exit<Option.Option<A>>) => {
      if (over || outs[i] !== undefined) return
      if (Exit.isFailure(exit)) {
        // Only an interruption reaches here (the items never fail): hand it on.
        over = true
        cleanUp()
        resume(exit as Exit.Exit<never>)
        return
      }
      outs[i] = exit.value
      timers[i]?.cancel()
      stops[i]?.()
      if (--left === 0) {
        over = true
        resume(Effect.succeed(outs as Array<Option.Option<A>>))
      }
    }
    if (fibers.length === 0) resume(Effect.succeed([]))
    fibers.forEach((fiber, i) => {
      const done = fiber.pollUnsafe()
      if (done !== undefined) {
        settle(i, Exit.map(done, Option.some))
        return
      }
      if (bounded(millis[i]!)) {
        timers[i] = timer(startedAt[i]! + millis[i]! - now(), () => {
          // Settled first: the interruption's own exit must not count as the caller's.
          settle(i, Exit.succeed(Option.none()))
          fiber.interruptUnsafe()
        })
      }
      stops[i] = fiber.addObserver((exit) => settle(i, Exit.map(exit, Option.some)))
    })
    return Effect.sync(() => {
      over = true
      cleanUp()
    })
  })

/** Each item's value as `Some`, or `None` when it ran out of its own deadline; in the items' order. */
export const withinAll = <A, R>(items: ReadonlyArray<Timed<A, R>>): Effect.Effect<Array<Option.Option<A>>, never, R> =>
  Effect.clockWith((clock) => {
    if (clock.sleep !== timerSleep)
      return Effect.forEach(
        items,
        (item) => (bounded(item.millis) ? within(item.effect, item.millis) : Effect.map(item.effect, Option.some)),
        { concurrency: "unbounded" }
      )
    const now = () => clock.currentTimeMillisUnsafe()
    const startedAt: Array<number> = []
    // Started one after the other in this fiber (each runs until it first waits); the deadline of
    // each counts from its own start.
    return Effect.flatMap(
      Effect.forEach(items, (item) =>
        Effect.suspend(() => {
          startedAt.push(now())
          return Effect.forkChild(item.effect, { startImmediately: true })
        })
      ),
      (fibers) =>
        awaitAll(
          fibers,
          items.map((i) => i.millis),
          startedAt,
          now
        )
    )
  })
