/**
 * The running fiber's `Clock`, read at once: what `Effect.clockWith` gives its function, without
 * an effect to run first. A step of a message that reads the clock (a cache's expiry, a list's
 * time) can then answer with a finished effect (`Effect.succeed`) when it has nothing to wait
 * for, and a caller that checks for one (the pipeline, `Effect.fnUntracedEager`) goes on without
 * a fiber or a run-loop step.
 *
 * Outside any fiber there is no clock to read, unless the caller that will run the effect lends
 * the one it runs it with while the effect is built (`lend`): the gateway's runner does for the
 * session's phases, so a connect phase that reads the lists in force answers at once too.
 *
 * **Gotchas**
 * - Eager: inside a fiber, `f` runs when `clockWithEager` is called, with the calling fiber's
 *   clock. Build the effect where it runs (a stage's `run` called by the pipeline, a lookup
 *   inside another step), not in one fiber to run it in another that has a different `Clock`.
 * - Outside any fiber, and with no clock lent, it is `Effect.clockWith`: `f` runs when the
 *   effect runs.
 * - Lend only the clock the effect will run with, and only for its building (`lend` takes it
 *   back when `build` returns or throws); a fiber's own clock always wins over a lent one.
 *
 * @category combinators
 * @since 0.1.0
 */
import { Clock, Effect, Fiber } from "effect"
import { timerSleep } from "./RuntimeTimer.ts"

/** The clock lent by `lend` while its `build` runs; undefined otherwise. */
let lent: Clock.Clock | undefined

/** The running fiber's clock, else the clock lent while the effect is built; undefined without either. */
export const current = (): Clock.Clock | undefined => {
  const fiber = Fiber.getCurrent()
  return fiber !== undefined ? fiber.getRef(Clock.Clock) : lent
}

/**
 * `build()` with `clock` lent to what it builds outside a fiber: the caller promises to run what
 * it builds with that clock (the gateway's runner runs it in its services, whose clock it lends).
 */
export const lend = <A>(clock: Clock.Clock, build: () => A): A => {
  const before = lent
  lent = clock
  try {
    return build()
  } finally {
    lent = before
  }
}

/** `f` with the running fiber's (or the lent) clock: called at once when there is one, else when run (`Effect.clockWith`). */
export const clockWithEager = <A, E, R>(f: (clock: Clock.Clock) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const clock = current()
  return clock !== undefined ? f(clock) : Effect.clockWith(f)
}

/**
 * Whether `clock` is the runtime's own (it sleeps with timers): then a wait timed by a plain
 * timer (a DNS question's deadline asked by callback) ends when the clock says it does; under any
 * other clock (`TestClock`) keep the effect, whose time the clock decides.
 */
export const isRealTime = (clock: Clock.Clock): boolean => clock.sleep === timerSleep

/** `f(a)` with `clock` lent, as `lend` does, without a closure to make per call. */
export const lendCall = <A, B>(clock: Clock.Clock, f: (a: A) => B, a: A): B => {
  const before = lent
  lent = clock
  try {
    return f(a)
  } finally {
    lent = before
  }
}
