/**
 * Auto-learning's gate: whether the gateway may teach the classifier a message it has just
 * judged, without anyone confirming the verdict (SpamAssassin's Bayes auto-learning, gated by
 * evidence that is not the Bayes score).
 *
 * The evidence that decides is the logistic layer's word-free part: its bias and the weights of
 * the structural features the message carries, with the token verdict neutral (what the layer
 * says of a message none of whose words the table knows, `wordFreeProbability`). A message is
 * learned as spam only when that part alone says spam at or above `spamAbove` and the whole
 * verdict is spam too; as ham only when it says below `hamBelow` and the verdict is ham. The
 * words never open the gate, so the token table cannot teach itself its own mistakes: a ham
 * whose words look like spam is learned as spam only if its structure is itself spam's.
 *
 * `balanced` holds the learned class totals to the model's own ratio (a token's spam ratio divides
 * by them), and `makeCap` caps each class at `maxPerHour` messages per clock hour (a burst of one
 * campaign teaches its words, not ten thousand copies of them).
 *
 * @category models
 * @since 0.3.0
 */
import { GatewayConfig } from "@mailmoat/core"
import type { ChiResult } from "./Chi2.ts"
import type { Label, Model } from "./Model.ts"
import { type ClassName, logitOf, sigmoid } from "./Score.ts"

export interface AutoLearnSettings {
  /** Word-free probability at or above which a spam verdict is learned as spam. */
  readonly spamAbove: number
  /** Word-free probability below which a ham verdict is learned as ham. */
  readonly hamBelow: number
  /** Messages of each class learned per clock hour, at most. */
  readonly maxPerHour: number
}

/**
 * The defaults of `classifier.autolearn`, chosen on train/'s drift streams only
 * (docs/classifier.md, "Auto-learning").
 */
export const defaults: AutoLearnSettings = GatewayConfig.autolearnDefaults

/** The chi-square result of a message whose words the table does not know: no clue. */
const NO_WORDS: ChiResult = { probability: 0.5, spam: 0, ham: 0, used: 0 }

/**
 * The layer's probability from its word-free inputs alone: bias and the signed features, the
 * token inputs at their value for a message with no known word. Undefined for a model without a
 * layer: its verdict is the words' alone, and nothing else can open the gate.
 */
export const wordFreeProbability = (model: Model, features: ReadonlyArray<string>): number | undefined =>
  model.logistic === undefined ? undefined : sigmoid(logitOf(model.logistic, NO_WORDS, features))

/** What the gate saw of a classification: its class and the features of its message. */
export interface Judged {
  readonly class: ClassName
  readonly gtube?: boolean | undefined
  readonly features?: ReadonlyArray<string> | undefined
}

export type Gate =
  | { readonly learn: Label; readonly wordFree: number }
  | { readonly skip: string; readonly wordFree?: number | undefined }

/** Whether `judged` may be learned, and as what (the cap aside). */
export const gate = (model: Model, judged: Judged, settings: AutoLearnSettings): Gate => {
  if (judged.gtube === true) return { skip: "GTUBE test message" }
  if (judged.class === "unsure") return { skip: "verdict unsure" }
  if (judged.features === undefined) return { skip: "no score" }
  const wordFree = wordFreeProbability(model, judged.features)
  if (wordFree === undefined) return { skip: "model has no layer" }
  if (judged.class === "spam")
    return wordFree >= settings.spamAbove
      ? { learn: "spam", wordFree }
      : { skip: `word-free evidence ${wordFree.toFixed(3)} below ${settings.spamAbove}`, wordFree }
  return wordFree < settings.hamBelow
    ? { learn: "ham", wordFree }
    : { skip: `word-free evidence ${wordFree.toFixed(3)} not below ${settings.hamBelow}`, wordFree }
}

/**
 * How far learned counts may drift from the model's own class balance: at most `BALANCE` times the
 * model's ratio of one class to the other, plus `BALANCE_SLACK` messages so learning can start
 * (1: the model's ratio itself; 1.5 and 3 let more of the gated spam in and cost false positives
 * and recall on the drift streams, docs/classifier.md).
 * A token's spam ratio divides its counts by the class totals, model and learned together: learned
 * spam far beyond the model's share makes a word that is in most mail of both classes (learned as
 * often as the mail comes) read as spam, and ham words the other way (docs/classifier.md,
 * "Auto-learning": without it, a stream whose words the model did not know reached 18 % false
 * positives).
 */
export const BALANCE = 1
export const BALANCE_SLACK = 10

/** Totals of messages per class. */
export interface Totals {
  readonly nham: number
  readonly nspam: number
}

/** Whether learning one more `label` message keeps the learned totals within the model's balance. */
export const balanced = (model: Totals, learned: Totals, label: Label, balance: number = BALANCE): boolean => {
  if (model.nham === 0 || model.nspam === 0 || balance === Number.POSITIVE_INFINITY) return true
  const [mine, other, ratio] =
    label === "spam"
      ? [learned.nspam, learned.nham, model.nspam / model.nham]
      : [learned.nham, learned.nspam, model.nham / model.nspam]
  return mine + 1 <= balance * ratio * other + BALANCE_SLACK
}

/** A per-class hourly budget: `take` spends one unit of the current clock hour's, if any is left. */
export interface HourlyCap {
  readonly room: (label: Label) => boolean
  readonly take: (label: Label) => boolean
  /** Units spent in the current hour. */
  readonly spent: () => { readonly ham: number; readonly spam: number }
}

const HOUR = 3_600_000

/** The clock hour of `millis` (hours since the epoch): the unit the cap counts in. */
export const hourOf = (millis: number): number => Math.floor(millis / HOUR)

export const makeCap = (maxPerHour: number, now: () => number = Date.now): HourlyCap => {
  let hour = -1
  const used = { ham: 0, spam: 0 }
  const roll = () => {
    const h = hourOf(now())
    if (h !== hour) {
      hour = h
      used.ham = 0
      used.spam = 0
    }
  }
  return {
    room: (label) => {
      roll()
      return used[label] < maxPerHour
    },
    take: (label) => {
      roll()
      if (used[label] >= maxPerHour) return false
      used[label]++
      return true
    },
    spent: () => {
      roll()
      return { ham: used.ham, spam: used.spam }
    }
  }
}
