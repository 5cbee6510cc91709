/**
 * Which languages a model measured, read from the tally its training wrote, and whether a scored
 * message is in one it did not: Decision.ts then lets the form decide a verdict its few words
 * cannot (`byForm`).
 *
 * Training with the one-sided rule (OneSidedLanguages.ts) records the languages it saw in the
 * model's meta (`languages`: `Hani* 0/20, de* 2/1, en 3069/1408, und 250/95`, a star for a
 * language with too few messages of a class to measure) and sets aside the tokens bound to the
 * starred ones. What is left of a message in such a language is what English mail holds as well:
 * header, link and statistics tokens, prices, and words spelt as an English word is (`die`, `para`,
 * `free`), all measured on English mail, where they say nothing about a French or Chinese
 * message's class. A handful of them decides the chi-square step as firmly as a hundred would (the
 * reason for round 30's rule), so such a message can be called ham or spam on nothing the model
 * measured (round 49 in docs/classifier.md: a Chinese invoice offer called ham on three statistics
 * tokens; Portuguese and Russian newsletters called spam on prices and their country's domain).
 *
 * A message is in an unmeasured language when its tag (Language.ts) is starred in the tally or
 * absent from it (a language the training never saw); `und` (little text, or a mix) is always
 * measured, as OneSidedLanguages.ts counts it. The scorer tags only a message of fewer than
 * `FEW_CLUES` clues of a model that has a tally (`asksLanguage`): the tag needs the tokens as
 * strings, which the gateway's scoring otherwise never builds.
 *
 * **Gotchas**
 * A model without a tally (trained with `--no-one-sided`, or made by hand) names no language it
 * measured: no message is tagged and the rule is off. Learning on the gateway (`Model.addMessage`,
 * a TokenStore) does not change the tally: a site's own French ham teach French words, which make
 * clues, but French stays unmeasured for the messages whose clues stay few.
 *
 * @category models
 * @since 0.5.0
 */
import { UNDETERMINED } from "./Language.ts"
import { FEW_CLUES } from "./LayerInputs.ts"
import type { Model } from "./Model.ts"
import type { Score } from "./Score.ts"

/** One entry of the tally: a tag, a star when unmeasured, then `ham/spam`. */
const ENTRY = /^([^\s*]+)(\*?) \d+\/\d+$/

/**
 * The measured tags of a tally line (`tallyLine` of OneSidedLanguages.ts), or undefined when no
 * entry of it reads as one (an entry that does not is skipped). `und` is always among them.
 */
export const measuredIn = (line: string): ReadonlySet<string> | undefined => {
  const measured = new Set<string>([UNDETERMINED])
  let entries = 0
  for (const entry of line.split(",")) {
    const m = ENTRY.exec(entry.trim())
    if (m === null) continue
    entries++
    if (m[2] === "") measured.add(m[1]!)
  }
  return entries === 0 ? undefined : measured
}

/** The last tally read: every message of a model asks for the same line. */
let lastLine: string | undefined
let lastMeasured: ReadonlySet<string> | undefined

/** The languages `model`'s training measured, or undefined when its meta holds no tally. */
export const measuredLanguages = (model: Model): ReadonlySet<string> | undefined => {
  const line = model.meta.languages
  if (typeof line !== "string") return undefined
  if (line !== lastLine) {
    lastMeasured = measuredIn(line)
    lastLine = line
  }
  return lastMeasured
}

/** Whether the scorer should tag a message it found `used` clues in (see the module header). */
export const asksLanguage = (model: Model, used: number): boolean =>
  used < FEW_CLUES && measuredLanguages(model) !== undefined

/**
 * Whether the scored message is in a language `model` did not measure, on fewer than `FEW_CLUES`
 * clues. A score without a tag (a model without a tally, many clues, or made by hand): never.
 */
export const inUnmeasuredLanguage = (model: Model, score: Score): boolean => {
  if (score.language === undefined || score.chi.used >= FEW_CLUES) return false
  const measured = measuredLanguages(model)
  return measured !== undefined && !measured.has(score.language)
}
