/**
 * The fields of the one info line logged per message: the queue id, client, sender, recipients,
 * the verdict that counts (the worst over recipients), its score and the rule that decided it (a
 * bypass says which), what the sender's reputation added and why (when it added something or
 * its store was down), what was done (the actions per recipient, or the plan when nothing was
 * scanned), the SMTP reply, the size and the milliseconds taken; with `antispam.virus`, what the
 * virus scan found (`clean`, `found <signature>`, `not scanned (<reason>)`, `skipped (...)`).
 *
 * Built as the logger's fields object itself, in the order they are written (no copy with the
 * queue id spread in front, no set of actions): it is built for every message, from a
 * `MessageSummary` taken when the outcomes were known.
 *
 * @category models
 * @since 0.1.0
 */
import type { Envelope, RecipientOutcome } from "@mailmoat/core"
import type { Plan } from "./RecipientPlan.ts"

const RANK = { spam: 2, unsure: 1, ham: 0 } as const

/** The recipients' actions, each once, in the order first seen, joined by commas. */
const actionsOf = (outcomes: ReadonlyArray<RecipientOutcome>): string => {
  let joined = ""
  outcomes.forEach((o, i) => {
    const tag = o.action._tag
    for (let j = 0; j < i; j++) if (outcomes[j]!.action._tag === tag) return
    joined = joined === "" ? tag : `${joined},${tag}`
  })
  return joined
}

/** The reputation stage's findings in a verdict, `NAME score (why)` joined by "; "; undefined when none. */
const reputationOf = (outcome: RecipientOutcome | undefined): string | undefined => {
  if (outcome === undefined) return undefined
  let joined: string | undefined
  for (const s of outcome.verdict.symbols) {
    if (s.source !== "reputation") continue
    const one = `${s.name} ${s.score} (${s.detail ?? ""})`
    joined = joined === undefined ? one : `${joined}; ${one}`
  }
  return joined
}

/**
 * What the line prints of the outcomes and the plan, built when the data phase (and the virus
 * scan) has answered: the line is written after the hand-off, and holding the outcomes until
 * then would hold every stage's trace (Received rows, authentication facts, the classifier's
 * result) through the downstream's answer.
 */
export interface MessageSummary {
  readonly verdict: string
  readonly score: number
  readonly rule: string | undefined
  readonly reputation: string | undefined
  readonly action: string
  /** What the virus scan found (`describeVirusScan`); undefined when it is off. */
  readonly virus: string | undefined
}

export const summarise = (
  outcomes: ReadonlyArray<RecipientOutcome>,
  plan: Plan,
  virus?: string | undefined
): MessageSummary => {
  let worst: RecipientOutcome | undefined
  for (const o of outcomes) if (worst === undefined || RANK[o.verdict.class] > RANK[worst.verdict.class]) worst = o
  const actions = actionsOf(outcomes)
  return {
    verdict: worst?.verdict.class ?? "not scanned",
    score: worst?.verdict.score ?? 0,
    rule: worst?.rule,
    reputation: reputationOf(worst),
    action: actions !== "" ? actions : plan._tag,
    virus
  }
}

export const messageLine = (
  queue: string,
  envelope: Envelope.Envelope,
  summary: MessageSummary,
  code: number,
  size: number,
  millis: number
): Record<string, string | number | undefined> => ({
  queue,
  client: envelope.clientAddress,
  from: envelope.mailFrom,
  rcpts: envelope.rcptTo.length === 1 ? envelope.rcptTo[0]! : envelope.rcptTo.join(","),
  verdict: summary.verdict,
  score: summary.score,
  // Undefined (nothing scanned) is left out of the line, as a missing field.
  rule: summary.rule,
  // Likewise left out when reputation added nothing (or is off).
  reputation: summary.reputation,
  // Left out when the virus scan is off.
  virus: summary.virus,
  action: summary.action,
  code,
  size,
  ms: millis
})
