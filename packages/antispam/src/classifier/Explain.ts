/**
 * Why the classifier decided as it did, for reading its errors (`mailmoat eval --explain`): the
 * logistic layer's inputs with their contribution (weight × value) to the spam log-odds, the
 * strongest token clues of the chi-square step, and the structural features present.
 *
 * @category models
 * @since 0.2.0
 */
import type { Model } from "./Model.ts"
import { chiScore, inputs, logit, sigmoid, tokenMargin } from "./Score.ts"
import type { Tokens } from "./Tokenizer.ts"

export interface Explanation {
  readonly probability: number
  /** The chi-square step's probability alone. */
  readonly tokenProbability: number
  /** Logistic inputs by |contribution| to the log-odds (positive = towards spam), then the bias. */
  readonly contributions: ReadonlyArray<readonly [string, number]>
  /** Strongest tokens with their f(w) (near 1 = spam, near 0 = ham). */
  readonly clues: ReadonlyArray<readonly [string, number]>
  readonly features: ReadonlyArray<string>
}

export const explain = (model: Model, tokens: Tokens, top = 8): Explanation => {
  const { chi, clues } = chiScore(model, tokens.tokens)
  if (!model.logistic)
    return {
      probability: chi.probability,
      tokenProbability: chi.probability,
      contributions: [],
      clues: clues.slice(0, top),
      features: tokens.features
    }
  const layer = model.logistic
  const x = inputs(chi, tokens.features, tokenMargin(model, tokens.tokens))
  const contributions: Array<readonly [string, number]> = [...x]
    .map(([name, value]) => [name, (layer.weights[name] ?? 0) * value] as const)
    .filter(([, c]) => c !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, top)
  contributions.push(["bias", layer.bias])
  return {
    probability: sigmoid(logit(layer, x)),
    tokenProbability: chi.probability,
    contributions,
    clues: clues.slice(0, top),
    features: tokens.features
  }
}
