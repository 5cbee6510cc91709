/**
 * The layout traits of a plain-text letter of round 59 (docs/classifier.md): how the text was laid
 * out rather than what it says, named for the tokenizer in one call. Each is a module of its own;
 * this only hands each the message's parts and fields it reads and names the features that hold.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { textFooterGap } from "./TextFooterGap.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const plainLayoutFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  const h = message.headers
  const input = {
    texts: message.body.texts,
    hasHtml: message.body.htmls.length > 0,
    inReplyTo: h.get("in-reply-to"),
    references: h.get("references"),
    subject: h.get("subject")
  }
  if (textFooterGap(input)) out.push("text_footer_gap")
  return out
}
