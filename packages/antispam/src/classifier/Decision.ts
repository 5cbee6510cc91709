/**
 * The three-way decision from a message's score: ham, unsure or spam by the cut-offs, except that
 * a spam verdict resting on a few words alone is unsure. That is a message whose words call it
 * spam while its form (the structural features, weighed by the layer with no word known) calls it
 * ham, on fewer clues than half of what the layer counts as full evidence. The chi-square step
 * treats clues as independent, so a handful of known words the table learned from spam decide as
 * firmly as a hundred; with nothing in the form that spam shows to back them, such a message (a
 * news item, a short notice from a source the table has not seen) is as likely ham as spam
 * (docs/classifier.md, round 30). With more words, or with any support from the form, the
 * probability decides as before.
 *
 * @category models
 * @since 0.5.0
 */
import type { ChiResult } from "./Chi2.ts"
import type { Logistic, Model } from "./Model.ts"
import { type ClassName, type Cutoffs, classOf, defaultCutoffs, logitOf, type Score, sigmoid } from "./Score.ts"

/** The chi-square result of a message none of whose words the table knows (no clue at all). */
const NO_WORDS: ChiResult = { probability: 0.5, spam: 0, ham: 0, used: 0 }

/** Clues at which the layer's `chi:evidence` input is full (`min(1, used / 50)`, LayerInputs.ts). */
const FULL_EVIDENCE = 50

/**
 * Fewer clues than this are few: half of full evidence. Checked on the cross-validation inside
 * train/, where the spam with the fewest clues that words alone call spam has 25 (round 30).
 */
export const FEW_CLUES = FULL_EVIDENCE / 2

/** What the message's form alone says: the layer's probability with its features and no word known. */
export const formProbability = (layer: Logistic, features: ReadonlyArray<string>): number =>
  sigmoid(logitOf(layer, NO_WORDS, features))

/**
 * Whether the words alone, few of them, call the message spam against its form: fewer than
 * `FEW_CLUES` clues, the chi-square probability at or above `spamAbove`, and the form's below
 * `hamBelow`. A model without a layer has no form to ask: never.
 */
export const restsOnFewWords = (layer: Logistic | undefined, score: Score, cutoffs: Cutoffs): boolean =>
  layer !== undefined &&
  score.chi.used < FEW_CLUES &&
  score.chi.probability >= cutoffs.spamAbove &&
  formProbability(layer, score.features) < cutoffs.hamBelow

/** The message's class: by its probability, with a spam verdict resting on a few words alone unsure. */
export const decide = (model: Model, score: Score, cutoffs: Cutoffs = defaultCutoffs): ClassName => {
  const c = classOf(score.probability, cutoffs)
  return c === "spam" && restsOnFewWords(model.logistic, score, cutoffs) ? "unsure" : c
}
