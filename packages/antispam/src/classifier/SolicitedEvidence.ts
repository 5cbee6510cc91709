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
import { recipientsOf } from "./RecipientAddresses.ts"
import { recipientTaggedForSender, recipientTaggedInSenderHost } from "./RecipientTag.ts"

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
