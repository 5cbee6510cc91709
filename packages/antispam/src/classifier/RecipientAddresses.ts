/**
 * Every place a message names its recipients, for the traits that compare them with what the
 * sender wrote: the envelope's RCPT TO, the To, Cc, Delivered-To and X-Original-To fields and the
 * Received hops' `for <…>` (sendmail, Postfix and Exim record the recipient there). Read lazily, so
 * a trait stops reading once it has its answer.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"

/** The Received hop's recipient (`for <user@host>`), as sendmail, Postfix and Exim record it. */
const HOP_FOR = /\bfor\s+<?([^\s<>;]{1,320})/i
const RECIPIENT_HEADERS = ["to", "cc", "delivered-to", "x-original-to"] as const

/** Header values and envelope addresses that name recipients, in any form (`Name <a@b>`, lists). */
export function* recipientsOf(message: Message): Generator<string> {
  yield* message.envelope?.rcptTo ?? []
  for (const name of RECIPIENT_HEADERS) yield* message.headers.getAll(name)
  for (const hop of message.received ?? []) {
    const to = HOP_FOR.exec(String(hop.raw ?? "").slice(0, 2000))?.[1]
    if (to !== undefined) yield to
  }
}
