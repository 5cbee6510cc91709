/**
 * The fields of the one info line logged per message: client, sender, recipients, the verdict
 * that counts (the worst over recipients), its score and the rule that decided it (a bypass says
 * which), what was done (the actions per recipient, or the plan when nothing was scanned), the
 * SMTP reply, the size and the milliseconds taken.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope, RecipientOutcome } from "@mailmoat/core"
import type { Plan } from "./RecipientPlan.ts"

const RANK = { spam: 2, unsure: 1, ham: 0 } as const

export const messageLine = (
  envelope: Envelope.Envelope,
  outcomes: ReadonlyArray<RecipientOutcome>,
  plan: Plan,
  code: number,
  size: number,
  millis: number
): Record<string, string | number> => {
  const worst = outcomes.reduce<RecipientOutcome | undefined>(
    (w, o) => (w === undefined || RANK[o.verdict.class] > RANK[w.verdict.class] ? o : w),
    undefined
  )
  const actions = [...new Set(outcomes.map((o) => o.action._tag))]
  return {
    client: envelope.clientAddress,
    from: envelope.mailFrom,
    rcpts: envelope.rcptTo.join(","),
    verdict: worst?.verdict.class ?? "not scanned",
    score: worst?.verdict.score ?? 0,
    ...(worst !== undefined ? { rule: worst.rule } : {}),
    action: actions.length > 0 ? actions.join(",") : plan._tag,
    code,
    size,
    ms: millis
  }
}
