/**
 * The one table from engine outcomes to SMTP replies. A stage's refusal at connect, MAIL FROM or
 * RCPT TO, and the transaction's plan after DATA, are answered from here; nothing else in the
 * gateway writes a policy reply code.
 *
 * | phase | Reject | Tempfail |
 * | --- | --- | --- |
 * | connect | 554 5.7.1 Connection refused (closed) | 421 4.7.0 Try again later (closed) |
 * | mail | 550 5.7.1 Sender refused | 451 4.7.1 Try again later |
 * | rcpt | 550 5.7.1 Recipient refused | 451 4.7.1 Try again later |
 * | data | 550 5.7.1 Message rejected | 451 4.7.1 Try again later |
 *
 * A whole message refused for its content after DATA has its own rows: a virus is 554 5.7.1
 * naming the signature (as amavisd-new and Haraka's clamd plugin answer), a message too large
 * for the virus scanner 552 5.3.4 (RFC 3463: message too big for the system).
 *
 * Accepted mail is 250 2.0.0 once it is durably handed off (RFC 5321 section 6.1); a local
 * failure before that is 451 4.3.0. A downstream server's answer in relay mode is passed on
 * marked `Downstream:`; its 421 (which would close our client's session) becomes 451. Enhanced codes: RFC 3463 (x.7.1 delivery not authorized,
 * x.7.0 other security, x.3.0 other mail system problem). Reasons come from stages and plugins:
 * line breaks and NULs are removed and the text is cut, so a reason cannot forge a reply line.
 *
 * @category models
 * @since 0.1.0
 */
import type { Phase } from "@mailmoat/core"
import type { Smtp } from "@mailmoat/protocols"
import type { RefusedFor } from "./RecipientPlan.ts"

export type Refusal = "Reject" | "Tempfail"

const TABLE: Readonly<Record<Phase, Readonly<Record<Refusal, readonly [number, string, string]>>>> = {
  connect: { Reject: [554, "5.7.1", "Connection refused"], Tempfail: [421, "4.7.0", "Try again later"] },
  mail: { Reject: [550, "5.7.1", "Sender refused"], Tempfail: [451, "4.7.1", "Try again later"] },
  rcpt: { Reject: [550, "5.7.1", "Recipient refused"], Tempfail: [451, "4.7.1", "Try again later"] },
  data: { Reject: [550, "5.7.1", "Message rejected"], Tempfail: [451, "4.7.1", "Try again later"] }
}

/** A reason as one short line of reply text. */
export const clean = (text: string): string => text.replace(/[\r\n\0]+/g, " ").slice(0, 200)

/** The reply refusing at `phase`. */
export const refusal = (phase: Phase, refusal: Refusal, reason: string): Smtp.SmtpReply => {
  const [code, enhanced, text] = TABLE[phase][refusal]
  return { code, enhanced, text: `${text}: ${clean(reason)}` }
}

const CONTENT: Readonly<Record<RefusedFor, readonly [number, string, string]>> = {
  virus: [554, "5.7.1", "Message rejected"],
  unscannable: [552, "5.3.4", "Message rejected"]
}

/** The reply refusing a whole message after DATA for what it carries (`RecipientPlan.RefusedFor`). */
export const contentRefusal = (cause: RefusedFor, reason: string): Smtp.SmtpReply => {
  const [code, enhanced, text] = CONTENT[cause]
  return { code, enhanced, text: `${text}: ${clean(reason)}` }
}

/** The reply to a decision at `phase`, or undefined when the decision does not refuse. */
export const forDecision = (
  phase: Phase,
  decision: { readonly _tag: string; readonly reason?: string } | undefined
): Smtp.SmtpReply | undefined =>
  decision?._tag === "Reject" || decision?._tag === "Tempfail"
    ? refusal(phase, decision._tag, decision.reason ?? "")
    : undefined

export const accepted = (queueId: string): Smtp.SmtpReply => ({
  code: 250,
  enhanced: "2.0.0",
  text: `Ok: queued as ${queueId}`
})

export const localProblem = (what = "Temporary local problem"): Smtp.SmtpReply => ({
  code: 451,
  enhanced: "4.3.0",
  text: `${what}, try again later`
})

/** The downstream's refusal of one recipient at RCPT TO, passed on. */
export const downstreamRefusal = (r: Smtp.SmtpReply): Smtp.SmtpReply => ({
  code: r.code === 421 ? 451 : r.code,
  enhanced: r.enhanced,
  text: `Downstream: ${r.text}`
})

/** DATA when the downstream deferred (some) recipients: a 4xx that keeps our session open. */
export const downstreamTemporary = (r: Smtp.SmtpReply): Smtp.SmtpReply =>
  r.code >= 400 && r.code < 500 && r.code !== 421
    ? r
    : { code: 451, enhanced: r.enhanced?.startsWith("4.") ? r.enhanced : "4.4.0", text: r.text }

/** DATA when the downstream refused every recipient: its 5xx, marked as the downstream's. */
export const downstreamPermanent = (r: Smtp.SmtpReply): Smtp.SmtpReply =>
  r.code >= 500
    ? {
        code: r.code,
        enhanced: r.enhanced ?? "5.0.0",
        text: r.text.startsWith("Downstream") ? r.text : `Downstream: ${r.text}`
      }
    : downstreamTemporary(r)
