/**
 * The `classifier` data-phase stage: spam probability from the content classifier, reported as
 * `probability` and as one of three symbols. CLASSIFIER_SPAM carries a weight at or above the
 * module's default spam score (5), so the classifier alone can call a message spam;
 * CLASSIFIER_UNSURE has weight 0 and marks the message unsure (temporary rejection acts on it);
 * CLASSIFIER_HAM has weight 0: a ham opinion never cancels a list hit.
 *
 * @category stages
 * @since 0.1.0
 */
import type { Message, Stage, StageResult, SymbolTable } from "@mailmoat/core"
import { Effect } from "effect"
import type { AutoLearner } from "./AutoLearner.ts"
import * as Classifier from "./Classifier.ts"
import { inUnmeasuredLanguage } from "./MeasuredLanguages.ts"
import type { Model } from "./Model.ts"
import { classOf, defaultCutoffs } from "./Score.ts"
import type { TokenStore } from "./TokenStore.ts"

export const ClassifierSymbols = {
  CLASSIFIER_SPAM: {
    weight: 6,
    group: "classifier",
    description:
      "Content classifier: spam probability above classifier.spamAbove, or a little below it by the form when the model knows hardly any of the words, or below it by the form in a language the model did not measure"
  },
  CLASSIFIER_UNSURE: {
    weight: 0,
    undecided: true,
    group: "classifier",
    description:
      "Content classifier: probability between hamBelow and spamAbove, or spam by a few words alone against the form or in a language the model did not measure; unsure"
  },
  CLASSIFIER_HAM: {
    weight: 0,
    group: "classifier",
    description: "Content classifier: spam probability below classifier.hamBelow"
  }
} as const satisfies SymbolTable

export interface ClassifierStageOptions {
  /** A model, a swappable model reference (updater), or a ready classifier (shared learning). */
  readonly model: Model | Classifier.ModelRef | Classifier.Classifier
  readonly store?: TokenStore | undefined
  readonly hamBelow?: number | undefined
  readonly spamAbove?: number | undefined
  readonly budgetMillis?: number | undefined
  /**
   * Auto-learning (`classifier.autolearn`): a message it accepts gets `facts.autolearn`, a
   * candidate the gateway learns once the message's fate is final.
   */
  readonly autolearn?: AutoLearner | undefined
}

const NAMES = { spam: "CLASSIFIER_SPAM", unsure: "CLASSIFIER_UNSURE", ham: "CLASSIFIER_HAM" } as const
const NOTHING: StageResult = { symbols: [] }

export const make = (options: ClassifierStageOptions): Stage => {
  const classifier =
    "classify" in options.model
      ? options.model
      : Classifier.make({
          model: options.model,
          store: options.store,
          cutoffs: {
            hamBelow: options.hamBelow ?? defaultCutoffs.hamBelow,
            spamAbove: options.spamAbove ?? defaultCutoffs.spamAbove
          }
        })
  const autolearn = options.autolearn
  const candidate = (c: Classifier.Classification, message: Message) => {
    const offered = autolearn?.offer(message, c)
    return offered === undefined ? {} : { autolearn: offered }
  }
  const resultOf = (c: Classifier.Classification, message: Message): StageResult => {
    const name = NAMES[c.class]
    const clues = c.score?.clues.slice(0, 5).map(([t, f]) => `${t}=${f.toFixed(2)}`) ?? []
    // A language the model did not measure, few clues: the form decided against the band (Decision.ts's byForm).
    // Unsure at a spam probability: a few words alone said spam, the form did not (Decision.ts).
    // Spam under the cut-off: the model hardly knew the words, the form backed spam (Decision.ts).
    const language = c.score?.language
    const why =
      language !== undefined &&
      c.class !== classOf(c.probability, classifier.cutoffs) &&
      inUnmeasuredLanguage(classifier.model.get(), c.score!)
        ? ` (by the form: language ${language} not measured)`
        : c.class === "unsure" && c.probability >= classifier.cutoffs.spamAbove
          ? " (few words alone)"
          : c.class === "spam" && c.probability < classifier.cutoffs.spamAbove
            ? " (by the form: words unknown)"
            : ""
    const detail = c.gtube
      ? "GTUBE test string"
      : `p=${c.probability.toFixed(3)}${why}${clues.length > 0 ? `; ${clues.join(", ")}` : ""}`
    return {
      symbols: [{ name, score: ClassifierSymbols[name].weight, source: "classifier", detail }],
      probability: c.probability,
      facts: {
        class: c.class,
        probability: c.probability,
        cutoffs: classifier.cutoffs,
        ...(c.score ? { chi: c.score.chi, features: c.score.features } : {}),
        ...(c.storeError ? { storeError: c.storeError } : {}),
        ...candidate(c, message)
      }
    }
  }
  return {
    name: "classifier",
    phase: "data",
    order: 1,
    budgetMillis: options.budgetMillis ?? 2000,
    symbols: ClassifierSymbols,
    // Classified when the pipeline calls `run` (where the stage's fiber would have started it).
    // With the model alone that is all there is: a finished effect, which the pipeline takes
    // without a fiber or a timer. Only a store that is asked for learned counts is waited for.
    run: (input) => {
      if (input.phase !== "data") return Effect.succeed(NOTHING)
      const message = input.message
      const c = classifier.classifyNow(message)
      return c instanceof Promise
        ? Effect.map(
            Effect.promise(() => c),
            (done) => resultOf(done, message)
          )
        : Effect.succeed(resultOf(c, message))
    }
  }
}
