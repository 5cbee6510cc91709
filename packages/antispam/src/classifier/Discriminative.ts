/**
 * A discriminative token model: logistic regression over the binary presence of a message's
 * tokens, as the online filters of the TREC spam tracks did, on vectors of length 1 (each of the
 * k tokens the model knows counts 1/√k), as relaxed online SVMs for spam did. The chi-square table (Chi2.ts)
 * judges each token on its own spam ratio; here each token's weight is fitted together with the
 * others, so a word common in newsletters and in spam gets little weight, and many weak ham words
 * can outweigh a few strong spam words. Its margin (the log-odds without the intercept) is one
 * more input of the logistic layer (`tok:margin`, LayerInputs.ts), fitted out of fold like the
 * chi-square inputs, when training asks for it (`TrainOptions.discriminative`). Off by default:
 * measured, it added a false positive where the token table alone did not (docs/classifier.md,
 * round 15).
 *
 * Training is stochastic gradient descent in the order of the messages given, with an L2 penalty
 * applied to the weights a message touches: the same messages in the same order give the same
 * weights, bit for bit (no random source, no parallelism).
 *
 * **Gotchas**
 * Only tokens seen in at least `minCount` training messages get a weight, as only those stay in
 * the pruned token table that the model file carries. Learning a message later (`Classifier.learn`)
 * changes the table's counts, never these weights.
 *
 * @category models
 * @since 0.5.0
 */
import { TOKEN_SIGNS } from "./FeatureSigns.ts"

/**
 * The fitted weights: the margin of a message is `Σ weight(token) / √k` over the k of its
 * distinct tokens that have a weight. Dividing by √k, not by the number of all its tokens, makes
 * a token the model does not know weigh nothing, neither in the sum nor in the length: mail whose
 * words are new is judged on the words that are known, not diluted by the others.
 *
 * The fit's intercept is left out of the margin, so a message with no known token has margin 0:
 * the intercept is the training set's class ratio, which the layer's fixed class prior
 * (Train.ts, `SPAM_SHARE`) exists to keep out of the verdict, and with the intercept the layer
 * turned most ham with no known word into unsure on the other era (docs/classifier.md, round 15).
 */
export interface TokenWeights {
  readonly weights: ReadonlyMap<string, number>
}

export interface TokenFitOptions {
  /** Passes over the messages (default 10). */
  readonly epochs?: number | undefined
  /** Step size of the first pass; pass e uses `learningRate / (1 + e)` (default 2). */
  readonly learningRate?: number | undefined
  /** L2 penalty per step on every weight the message touches (default 0.003). */
  readonly l2?: number | undefined
  /** Tokens seen in fewer training messages get no weight (default 2, the table's pruning). */
  readonly minCount?: number | undefined
  /**
   * Which tokens are inputs (default: all but the `feat:` ones, which the layer weighs itself with
   * their signs held; with them, mail with no known word got a margin from its features alone and
   * the layer counted them twice: docs/classifier.md, round 15).
   */
  readonly include?: ((token: string) => boolean) | undefined
  /**
   * Tokens whose weight is held to a sign (default: the signed features' tokens, FeatureSigns.ts),
   * for the reason the layer holds them: a corpus quirk may set such a weight to 0, not flip it.
   */
  readonly signs?: ReadonlyMap<string, 1 | -1> | undefined
}

/**
 * Defaults chosen by 5-fold cross-validation inside train/ (docs/classifier.md, round 15): unit
 * length vectors with these steps ranked the held-out mail best of the settings tried.
 */
export const DEFAULT_EPOCHS = 10
export const DEFAULT_LEARNING_RATE = 2
export const DEFAULT_L2 = 0.003

export interface TokenSample {
  readonly tokens: ReadonlyArray<string>
  readonly y: 0 | 1
}

/** Weights are stored to four decimals, so a model file's text gives back the same numbers (never -0). */
const round = (w: number): number => Math.round(w * 1e4) / 1e4 + 0

/** The default inputs: a token that is not a structural feature's. */
export const notFeature = (token: string): boolean => !token.startsWith("feat:")

/** The margin cap: beyond it the layer learns nothing more from the size of a margin. */
export const MARGIN_LIMIT = 10

export const clampMargin = (z: number): number => Math.max(-MARGIN_LIMIT, Math.min(MARGIN_LIMIT, z))

export const fitTokens = (samples: ReadonlyArray<TokenSample>, options: TokenFitOptions = {}): TokenWeights => {
  const epochs = options.epochs ?? DEFAULT_EPOCHS
  const rate = options.learningRate ?? DEFAULT_LEARNING_RATE
  const l2 = options.l2 ?? DEFAULT_L2
  const minCount = options.minCount ?? 2
  const include = options.include ?? notFeature
  const signs = options.signs ?? TOKEN_SIGNS
  // Token -> index, in order of first appearance (deterministic), for the tokens that qualify.
  const seen = new Map<string, number>()
  for (const s of samples) for (const t of s.tokens) seen.set(t, (seen.get(t) ?? 0) + 1)
  const index = new Map<string, number>()
  for (const [t, n] of seen) if (n >= minCount && include(t)) index.set(t, index.size)
  const rows = samples.map((s) => {
    const idx: Array<number> = []
    for (const t of s.tokens) {
      const i = index.get(t)
      if (i !== undefined) idx.push(i)
    }
    return { idx: Int32Array.from(idx), y: s.y, x: 1 / Math.sqrt(Math.max(1, idx.length)) }
  })
  const sign = new Float64Array(index.size)
  for (const [t, i] of index) sign[i] = signs.get(t) ?? 0
  const w = new Float64Array(index.size)
  let bias = 0
  for (let e = 0; e < epochs; e++) {
    const eta = rate / (1 + e)
    for (const r of rows) {
      let sum = 0
      for (let j = 0; j < r.idx.length; j++) sum += w[r.idx[j]!]!
      const g = 1 / (1 + Math.exp(-(bias + sum * r.x))) - r.y
      bias -= eta * g
      for (let j = 0; j < r.idx.length; j++) {
        const i = r.idx[j]!
        const v = w[i]! - eta * (g * r.x + l2 * w[i]!)
        w[i] = sign[i]! * v < 0 ? 0 : v
      }
    }
  }
  // Every token with a weight is kept, 0 included: it is known, so it counts in k.
  const weights = new Map<string, number>()
  for (const [t, i] of index) weights.set(t, round(w[i]!))
  return { weights }
}

/** The margin from the sum of the known tokens' weights and how many there are. */
export const marginOf = (sum: number, known: number): number => (known === 0 ? 0 : sum / Math.sqrt(known))

/** The margin of a message's distinct tokens (unknown tokens weigh nothing and do not count). */
export const margin = (model: TokenWeights, tokens: ReadonlyArray<string>): number => {
  let sum = 0
  let known = 0
  for (const t of tokens) {
    const v = model.weights.get(t)
    if (v === undefined) continue
    sum += v
    known++
  }
  return marginOf(sum, known)
}

/** The same weights restricted to the tokens `keep` says are known (vocabulary-shift samples). */
export const restrict = (model: TokenWeights, keep: (token: string) => boolean): TokenWeights => {
  const weights = new Map<string, number>()
  for (const [t, v] of model.weights) if (keep(t)) weights.set(t, v)
  return { weights }
}
