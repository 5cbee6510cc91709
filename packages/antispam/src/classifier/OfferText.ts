/**
 * The body's offer-text traits of round 43 (docs/classifier.md), named for the tokenizer in one
 * call: each is a module of its own; this only hands each the message's decoded texts and names the
 * features that hold. Each reads how an offer is written rather than its words: a sum spelt out to
 * the last digit, a headline opening that goes on selling.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { textAmountMillions } from "./TextAmountMillions.ts"
import { textPitchOpening } from "./TextPitchOpening.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const offerTextFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  const texts = message.body.texts
  if (textAmountMillions(texts)) out.push("text_amount_millions")
  if (textPitchOpening(texts)) out.push("text_pitch_opening")
  return out
}
