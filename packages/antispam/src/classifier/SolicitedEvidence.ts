/**
 * Ham-side traits that do not depend on the words (docs/classifier.md, round 34), named for the
 * tokenizer in one call: each is a module of its own; this only reads the message's parts each
 * needs and names the features that hold. New traits of this family go here, so the tokenizer
 * keeps one call line for all of them.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { recipientTaggedForSender, recipientTaggedInSenderHost } from "./RecipientTag.ts"

/** The Received hop's recipient (`for <user@host>`), as sendmail, Postfix and Exim record it. */
const HOP_FOR = /\bfor\s+<?([^\s<>;]{1,320})/i
const RECIPIENT_HEADERS = ["to", "cc", "delivered-to", "x-original-to"] as const

/** Every place a recipient is named, read as far as the check needs (none without a sender domain). */
function* recipientsOf(message: Message): Generator<string> {
  yield* message.envelope?.rcptTo ?? []
  for (const name of RECIPIENT_HEADERS) yield* message.headers.getAll(name)
  for (const hop of message.received ?? []) {
    const to = HOP_FOR.exec(String(hop.raw ?? "").slice(0, 2000))?.[1]
    if (to !== undefined) yield to
  }
}

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const solicitedFeatures = (message: Message): ReadonlyArray<string> => {
  const h = message.headers
  const out: Array<string> = []
  if (recipientTaggedForSender({ from: h.get("from"), recipients: recipientsOf(message) }))
    out.push("to_tagged_for_sender")
  else if (recipientTaggedInSenderHost({ from: h.get("from"), recipients: recipientsOf(message) }))
    out.push("to_tagged_for_sender_host")
  return out
}
