/**
 * Counting a message once it is judged: after the engine's outcomes are known, its keys (left by
 * the stage's lookup) get one ham or spam, in a detached fiber, so the update never delays or
 * fails the reply. A store that cannot be reached costs a warning and the message goes uncounted.
 *
 * What counts (`labelOf`): the recipients the policy judged, not those a bypass or an accepting
 * stage decided for. Spam, quarantined, rejected or dropped is spam; ham delivered is ham; a
 * tempfail anywhere (the message comes again) or an unsure verdict counts nothing.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Facts, RecipientOutcome } from "@mailmoat/core"
import { Clock, Effect } from "effect"
import * as Decay from "./Decay.ts"
import type { Label, ReputationStoreShape } from "./ReputationStore.ts"
import { ReputationKeys } from "./ReputationStage.ts"

const judgedByPolicy = (o: RecipientOutcome): boolean =>
  o.verdict.decidedBy === undefined || o.verdict.decidedBy.decision === "Reject"

/** How a message was judged, for reputation; undefined when it should not count. */
export const labelOf = (outcomes: ReadonlyArray<RecipientOutcome>): Label | undefined => {
  if (outcomes.some((o) => o.action._tag === "Tempfail")) return undefined
  const judged = outcomes.filter(judgedByPolicy)
  if (judged.length === 0) return undefined
  const spam = judged.some(
    (o) =>
      o.verdict.class === "spam" ||
      o.action._tag === "Quarantine" ||
      o.action._tag === "Reject" ||
      o.action._tag === "Drop"
  )
  if (spam) return "spam"
  return judged.every((o) => o.verdict.class === "ham") ? "ham" : undefined
}

export interface UpdateOptions {
  readonly store: ReputationStoreShape
  readonly halfLifeHours: number
}

/** Counts `outcomes` under the keys in `facts`, detached; an effect that finishes at once. */
export const make =
  (options: UpdateOptions) =>
  (outcomes: ReadonlyArray<RecipientOutcome>, facts: Facts.Facts): Effect.Effect<void> => {
    const keys = facts.get(ReputationKeys)
    if (keys === undefined) return Effect.void
    const label = labelOf(outcomes)
    if (label === undefined) return Effect.void
    const update = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.promise(() =>
        options.store.record(keys, label, Decay.windowAt(now, options.halfLifeHours)).then(
          () => undefined,
          (e: unknown) => (e instanceof Error ? e.message : String(e))
        )
      )
    ).pipe(
      Effect.flatMap((error) =>
        error === undefined
          ? Effect.void
          : Effect.logWarning(`reputation: update skipped, store unreachable (${options.store.describe}): ${error}`)
      )
    )
    return Effect.asVoid(Effect.forkDetach(update))
  }
