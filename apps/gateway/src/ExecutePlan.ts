/**
 * Executes a transaction's plan and chooses the one reply our client gets after DATA. The rule
 * that matters: 250 only when every recipient that should get the message has
 * it durably (downstream 250 or Maildir fsync) or is durably quarantined.
 *
 * Order: deliveries first, then quarantine, then drops.
 * - While nothing has been handed off yet, a temporary failure answers 451 and nothing is stored
 *   (a clean retry: no duplicate anywhere).
 * - If nothing was handed off and the downstream refused permanently (5xx) every recipient that
 *   was to be delivered, and nobody is to be quarantined, the 5xx is passed back.
 * - Once something was handed off, a recipient whose hand-off then failed (a second delivery
 *   group, an LMTP server refusing one recipient after the data) is quarantined with the
 *   downstream's answer as the reason, and the client gets 250: no recipient is lost, no bounce
 *   is generated, and the sender's retry cannot duplicate what was already delivered.
 * - If the quarantine itself fails, 451: the retry may duplicate earlier deliveries, which
 *   RFC 5321 §6.1 prefers over a loss.
 *
 * @category services
 * @since 0.1.0
 */
import type { Envelope } from "@mailmoat/core"
import { Delivery, type Smtp } from "@mailmoat/protocols"
import type { Quarantine } from "./Quarantine.ts"
import type { Handoff, Transaction } from "./Handoff.ts"
import type { Metrics } from "./Metrics.ts"
import type { Plan, QuarantineGroup } from "./RecipientPlan.ts"
import { deliverySource } from "./DeliverySource.ts"
import * as Replies from "./Replies.ts"

export interface ExecuteContext {
  readonly tx: Transaction
  readonly envelope: Envelope.Envelope
  readonly spool: Smtp.Spool
  /** Our Received header (no CRLF). */
  readonly received: string
  /** Our authserv-id (`smtp.hostname`): incoming Authentication-Results naming it are removed. */
  readonly hostname: string
  readonly queueId: string
  readonly handoff: Handoff
  readonly quarantine: Quarantine
  readonly metrics: Metrics
  readonly log: (event: string, fields: Record<string, string | number | boolean>) => void
}

export const executePlan = async (plan: Plan, ctx: ExecuteContext): Promise<Smtp.SmtpReply> => {
  if (plan._tag === "Reject" && plan.refusedFor !== undefined)
    return Replies.contentRefusal(plan.refusedFor, plan.reason)
  if (plan._tag === "Tempfail" || plan._tag === "Reject") return Replies.refusal("data", plan._tag, plan.reason)

  const delivered: Array<string> = []
  const failed: Array<Delivery.RecipientResult> = []
  for (const group of plan.deliver) {
    const source = deliverySource(ctx.spool, ctx.received, group, ctx.hostname)
    try {
      for (const r of await ctx.handoff.deliver(ctx.tx, group.recipients, source)) {
        if (r.accepted) delivered.push(r.recipient)
        else failed.push(r)
        ctx.metrics.prom.delivery(r.reply.code)
        ctx.log(r.accepted ? "delivered" : "delivery_refused", {
          rcpt: r.recipient,
          code: r.reply.code,
          text: r.reply.text
        })
      }
    } catch (error) {
      const mapped = Delivery.toClientReply(error)
      ctx.log("delivery_failed", {
        rcpts: group.recipients.join(","),
        error: error instanceof Error ? error.message : String(error)
      })
      for (const recipient of group.recipients) {
        failed.push({ recipient, accepted: false, reply: mapped })
        ctx.metrics.prom.delivery(mapped.code)
      }
      // Nothing handed off yet: stop here, the client retries everything.
      if (delivered.length === 0) break
    }
  }
  ctx.metrics.add("deliveryFailures", failed.length)
  ctx.metrics.add("recipientsDelivered", delivered.length)

  const quarantine: Array<QuarantineGroup> = [...plan.quarantine]
  if (failed.length > 0) {
    const temporary = failed.find((f) => f.reply.code < 500)
    if (delivered.length === 0 && temporary !== undefined) return Replies.downstreamTemporary(temporary.reply)
    if (delivered.length === 0 && quarantine.length === 0) return Replies.downstreamPermanent(failed[0]!.reply)
    for (const f of failed) {
      quarantine.push({
        recipients: [f.recipient],
        reason: `hand-off failed after other recipients were delivered: ${f.reply.code} ${f.reply.text}`
      })
    }
  }

  for (const group of quarantine) {
    try {
      const id = await ctx.quarantine.put(
        { envelope: ctx.envelope, recipients: group.recipients, reason: group.reason, verdict: group.verdict },
        deliverySource(ctx.spool, ctx.received, { addHeaders: [] }, ctx.hostname)
      )
      ctx.metrics.add("recipientsQuarantined", group.recipients.length)
      ctx.log("quarantined", { rcpts: group.recipients.join(","), id, reason: group.reason })
    } catch (error) {
      ctx.log("quarantine_failed", { error: error instanceof Error ? error.message : String(error) })
      return Replies.localProblem("Temporary local problem storing the message")
    }
  }
  if (plan.drop.length > 0) {
    ctx.metrics.add("recipientsDropped", plan.drop.length)
    ctx.log("dropped", { rcpts: plan.drop.join(",") })
  }
  return Replies.accepted(ctx.queueId)
}
