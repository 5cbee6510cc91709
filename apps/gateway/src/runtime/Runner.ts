/**
 * Runs effects in the gateway's runtime (its services: clock, logger) for callers outside it, and
 * gives the value at once when the effect finishes as it starts: an engine phase whose stages only
 * looked at memory (the bypass checks of connect and MAIL, an RCPT phase without stages) costs no
 * promise, and an already finished `Exit` no fiber either. An effect that waits is answered by a
 * promise, as `Effect.runPromiseWith` does; a failure is its squashed cause, thrown or rejected.
 *
 * @category services
 * @since 0.1.0
 */
import { Cause, Context, Effect, Exit, Logger } from "effect"

/** The value now, or a promise of it when the effect had to wait. */
export type Runner = <A>(effect: Effect.Effect<A>) => A | Promise<A>

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
  return <A>(effect: Effect.Effect<A>): A | Promise<A> => {
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
}
