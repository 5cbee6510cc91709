/**
 * The body's offer-layout traits of round 39 (docs/classifier.md), named for the tokenizer in one
 * call: each is a module of its own; this only hands each the message's decoded texts and names the
 * features that hold. Each is a pair of shapes that ham show apart but not together (a short text
 * and its spacing, its exclamations and its bare links).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { textBlankSpacing } from "./TextBlankSpacing.ts"
import { textShoutedLinks } from "./TextShoutedLinks.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const offerLayoutFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  const texts = message.body.texts
  if (textBlankSpacing(texts)) out.push("text_blank_spacing")
  if (textShoutedLinks(texts)) out.push("text_shouted_links")
  return out
}
