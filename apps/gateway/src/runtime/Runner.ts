/**
 * Runs effects in the gateway's runtime (its services: clock, logger) for callers outside it, and
 * gives the value at once when the effect finishes as it starts: an engine phase whose stages only
 * looked at memory (the bypass checks of connect and MAIL, an RCPT phase without stages) costs no
 * promise, and an already finished `Exit` no fiber either. An effect that waits is answered by a
 * promise, as `Effect.runPromiseWith` does; a failure is its squashed cause, thrown or rejected.
 *
 * `lend` builds an effect with the runtime's clock lent to it (`FiberClock.lend`): what reads the
 * clock while it is built (the connect phase's lists in force) can then answer at once, and the
 * runner needs no fiber for it either.
 *
 * @category services
 * @since 0.1.0
 */
import { FiberClock } from "@mailmoat/core"
import { Cause, Clock, Context, Effect, Exit, Logger } from "effect"

export interface Runner {
  /** The value now, or a promise of it when the effect had to wait. */
  <A>(effect: Effect.Effect<A>): A | Promise<A>
  /** `build()` with the clock this runner runs effects with lent to it; build what it will run. */
  readonly lend: <A>(build: () => A) => A
}

const unwrap = <A>(exit: Exit.Exit<A, unknown>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}

/** A runner over `services`; `loggers` replace the runtime's loggers for what it runs. */
export const make = (
  services: Context.Context<never>,
  loggers?: ReadonlySet<Logger.Logger<unknown, unknown>>
): Runner => {
  const fork = Effect.runForkWith(
    loggers === undefined ? services : Context.add(services, Logger.CurrentLoggers, loggers)
  )
  // The clock of the fibers `fork` starts: the services' own, else the runtime's default.
  const clock = Context.get(services, Clock.Clock)
  const run = <A>(effect: Effect.Effect<A>): A | Promise<A> => {
    if (Exit.isExit(effect)) return unwrap(effect as Exit.Exit<A, unknown>)
    const fiber = fork(effect)
    const done = fiber.pollUnsafe()
    if (done !== undefined) return unwrap(done)
    return new Promise<A>((resolve, reject) =>
      fiber.addObserver((exit) => {
        try {
          resolve(unwrap(exit))
        } catch (error) {
          reject(error)
        }
      })
    )
  }
  return Object.assign(run, { lend: <A>(build: () => A): A => FiberClock.lend(clock, build) })
}
