/**
 * The body's letter traits of round 47 (docs/classifier.md), named for the tokenizer in one call:
 * each is a module of its own; this only hands each the message's decoded texts and names the
 * features that hold. Each reads how a letter from a stranger is laid out rather than its words.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { textLetterHead } from "./TextLetterHead.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const letterTextFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (textLetterHead(message.body.texts)) out.push("text_letter_head")
  return out
}
