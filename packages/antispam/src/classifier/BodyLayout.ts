/**
 * The body's layout and encoding traits added since round 33 (docs/classifier.md), named for the
 * tokenizer in one call: each is a module of its own; this only reads the message's parts each
 * needs and names the features that hold. New traits of this family go here, so the tokenizer
 * keeps one call line for all of them.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { qpEncodedBreak } from "./QpEncodedBreak.ts"
import { textPaddingTail } from "./TextPaddingTail.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const bodyLayoutFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (message.scanView instanceof Uint8Array && qpEncodedBreak(message.mime, message.scanView))
    out.push("mime_qp_encoded_break")
  if (textPaddingTail(message.body.texts)) out.push("text_padding_tail")
  return out
}
