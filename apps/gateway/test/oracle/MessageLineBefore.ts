// The per-message line's fields as they were built before (an object, a spread for the rule, a
// Set for the actions), with the queue id in front as the handler's log spread put it: the oracle.
import type { Envelope, RecipientOutcome } from "@mailmoat/core"
import type { Plan } from "../../src/RecipientPlan.ts"

const RANK = { spam: 2, unsure: 1, ham: 0 } as const

export const messageLineBefore = (
  queue: string,
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
  const fields = {
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
  return { queue, ...fields }
}
