/**
 * The header and MIME-structure traits added since round 32 (docs/classifier.md), named for the
 * tokenizer in one call: each is a module of its own; this only reads the message's parts each
 * needs and names the features that hold. New traits of this family go here, so the tokenizer
 * keeps one call line for all of them.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { messageIdRelayWritten } from "./MessageIdRelay.ts"
import { multipartEncoded } from "./MimeMultipartEncoding.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const headerStructureFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  const h = message.headers
  if (
    messageIdRelayWritten({
      messageId: h.get("message-id"),
      from: h.get("from"),
      mailer: h.get("x-mailer"),
      userAgent: h.get("user-agent"),
      received: message.received ?? []
    })
  )
    out.push("message_id_relay_written")
  if (multipartEncoded(message.mime)) out.push("mime_multipart_encoded")
  return out
}
