/**
 * The names of the logistic layer's inputs, from the code that computes them: the chi-square
 * inputs are a table of name and computation (Score.inputs runs it), the feature inputs are
 * `feat:<name>` for the signed features of FeatureSigns.ts. A model file whose layer weighs an
 * input this build does not compute was trained for another build, and ModelFile refuses it
 * rather than score with part of its layer (docs/classifier.md, "Model file").
 *
 * @category models
 * @since 0.3.0
 */
import type { ChiResult } from "./Chi2.ts"
import { FEATURE_SIGNS } from "./FeatureSigns.ts"

/** Clues at which the layer's `chi:evidence` input is full. */
export const FULL_EVIDENCE = 50

/**
 * Fewer clues than this are few: half of full evidence. Checked on the cross-validation inside
 * train/, where the spam with the fewest clues that words alone call spam has 25 (round 30 in
 * docs/classifier.md). Decision.ts and MeasuredLanguages.ts read it.
 */
export const FEW_CLUES = FULL_EVIDENCE / 2

/** The chi-square inputs with their values, in the order Score.inputs sets them (and sums them). */
export const CHI_INPUTS: ReadonlyArray<readonly [name: string, value: (chi: ChiResult) => number]> = [
  // The chi-square probability on the logit scale: a confident table stays decisive, a table
  // that knows little (p near 0.5) leaves the decision to the structural features.
  [
    "chi:logit",
    (chi) => {
      const p = Math.min(Math.max(chi.probability, 0.001), 0.999)
      return Math.log(p / (1 - p))
    }
  ],
  // Both S and H high: the tokens disagree. The layer learns how much that should hold back.
  ["chi:conflict", (chi) => Math.min(chi.spam, chi.ham)],
  // Each side's evidence on its own scale. The logit above and the conflict see S and H only
  // through their difference and their minimum, so the layer cannot weigh spam evidence more
  // than ham evidence: spam padded with ordinary words (hash-busting, or mail whose words the
  // table knows from ham) has both high, and a few strong spam words then count for more than
  // the padding's ham words (docs/classifier.md, round 11).
  ["chi:spam", (chi) => chi.spam],
  ["chi:ham", (chi) => chi.ham],
  ["chi:evidence", (chi) => Math.min(1, chi.used / FULL_EVIDENCE)]
]

/**
 * The discriminative token model's margin (Discriminative.ts), capped at ±MARGIN_LIMIT: set only
 * for a model that carries token weights.
 */
export const MARGIN_INPUT = "tok:margin"

export const FEATURE_INPUT_PREFIX = "feat:"

/** A structural feature the layer reads (own keys only: `constructor` is no feature). */
export const isSignedFeature = (feature: string): boolean => Object.hasOwn(FEATURE_SIGNS, feature)

const chiNames: ReadonlySet<string> = new Set(CHI_INPUTS.map(([name]) => name))

/** Whether this build computes the input named `name` for some message. */
export const isKnownInput = (name: string): boolean =>
  chiNames.has(name) ||
  name === MARGIN_INPUT ||
  (name.startsWith(FEATURE_INPUT_PREFIX) && isSignedFeature(name.slice(FEATURE_INPUT_PREFIX.length)))

/** The first weight, in the layer's own order, for an input this build does not compute. */
export const firstUnknownInput = (weights: Readonly<Record<string, unknown>>): string | undefined =>
  Object.keys(weights).find((name) => !isKnownInput(name))
