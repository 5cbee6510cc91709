/**
 * The running fiber's `Clock`, read at once: what `Effect.clockWith` gives its function, without
 * an effect to run first. A step of a message that reads the clock (a cache's expiry, a list's
 * time) can then answer with a finished effect (`Effect.succeed`) when it has nothing to wait
 * for, and a caller that checks for one (the pipeline, `Effect.fnUntracedEager`) goes on without
 * a fiber or a run-loop step.
 *
 * **Gotchas**
 * - Eager: inside a fiber, `f` runs when `clockWithEager` is called, with the calling fiber's
 *   clock. Build the effect where it runs (a stage's `run` called by the pipeline, a lookup
 *   inside another step), not in one fiber to run it in another that has a different `Clock`.
 * - Outside any fiber it is `Effect.clockWith`: `f` runs when the effect runs.
 *
 * @category combinators
 * @since 0.1.0
 */
import { Clock, Effect, Fiber } from "effect"

/** The running fiber's clock; undefined outside a fiber. */
export const current = (): Clock.Clock | undefined => Fiber.getCurrent()?.getRef(Clock.Clock)

/** `f` with the running fiber's clock: called at once inside a fiber, else when run (`Effect.clockWith`). */
export const clockWithEager = <A, E, R>(f: (clock: Clock.Clock) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const clock = current()
  return clock !== undefined ? f(clock) : Effect.clockWith(f)
}
