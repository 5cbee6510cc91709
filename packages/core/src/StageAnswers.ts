/**
 * A built-in stage's `answer` (see `Stage`): a plain result when it has nothing to wait for, else
 * what to wait for: an effect, or a `Later` (a value by callback, waited for without a fiber:
 * `Later.ts`). `runOf` makes the stage's `run` from it, so both always agree; `isWaiting` tells
 * a value now from the others (an effect, a finished `Exit` included, is waited for).
 *
 * **Gotchas**
 * - A `StageResult` is never an effect: the two are told apart by Effect's own type mark.
 * - Named `andThen`, not `then`: a module that exports `then` makes its namespace a thenable.
 * - Steps that chain answers (a stage asking its lists, then its runner) go on with `andThen`: at
 *   once for a result, by `Effect.flatMap` for an effect, by `Later.flatMap` for a `Later`; `f`
 *   may itself answer any way.
 *
 * @category constructors
 * @since 0.1.0
 */
import { Effect, Exit } from "effect"
import * as Later from "./Later.ts"
import type { StageAnswer, StageInput, StageResult } from "./Stage.ts"
import type { StageError } from "./StageError.ts"

/** A value now, or an effect that gives it, or the value by callback (`Later`). */
export type Now<A, E = never, R = never> = A | Effect.Effect<A, E, R> | Later.Later<A, E, R>

/** Whether `value` still has to be waited for (an effect, a finished one included, or a `Later`). */
export const isWaiting = <A, E, R>(value: Now<A, E, R>): value is Effect.Effect<A, E, R> | Later.Later<A, E, R> =>
  Effect.isEffect(value) || Later.isLater(value)

/**
 * `f` of the value: at once when it is there (a finished success counts: it is what running it
 * would give at once), else when the effect gives it.
 */
export const andThen = <A, B, E, E2, R, R2>(
  value: Now<A, E, R>,
  f: (a: A) => Now<B, E2, R2>
): Now<B, E | E2, R | R2> => {
  if (!isWaiting(value)) return f(value)
  if (Later.isLater(value)) return Later.flatMap(value, f)
  if (Exit.isExit(value) && Exit.isSuccess(value)) return f((value as Exit.Success<A, E>).value)
  return Effect.flatMap(value, (a) => toEffect(f(a)))
}

/** The value as an effect (a value now: a finished `Effect.succeed`; a `Later`: its callback). */
export const toEffect = <A, E, R>(value: Now<A, E, R>): Effect.Effect<A, E, R> =>
  Later.isLater(value) ? Later.toEffect(value) : Effect.isEffect(value) ? value : Effect.succeed(value)

/** A stage's `run` from its `answer`: a result now is a finished effect (`Effect.succeed`). */
export const runOf =
  <R>(answer: (input: StageInput) => StageAnswer<R>) =>
  (input: StageInput): Effect.Effect<StageResult, StageError, R> =>
    toEffect(answer(input))
