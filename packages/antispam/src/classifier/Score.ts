/**
 * Scores a tokenized message against a model: chi-square combining over the token table,
 * then (when the model has one) the logistic layer over the chi-square evidence and the
 * structural features. Also the cutoffs that turn a probability into ham / unsure / spam.
 *
 * @category models
 * @since 0.1.0
 */
import { Policy } from "@mailmoat/core"
import { type ChiResult, combineFirst } from "./Chi2.ts"
import { clueIndex, clueProbability } from "./Clues.ts"
import { clampMargin, margin } from "./Discriminative.ts"
import { CHI_INPUTS, FEATURE_INPUT_PREFIX, isSignedFeature, MARGIN_INPUT } from "./LayerInputs.ts"
import type { Logistic, Model } from "./Model.ts"
import type { Tokens } from "./Tokenizer.ts"
import type { TokenSet } from "./TokenSet.ts"

export { FEATURE_PRIOR, FEATURE_SIGNS, INPUT_PRIORS, INPUT_SIGNS } from "./FeatureSigns.ts"

export type ClassName = "ham" | "unsure" | "spam"

export interface Cutoffs {
  /** Below this probability: ham. */
  readonly hamBelow: number
  /** At or above this probability: spam. */
  readonly spamAbove: number
}

/** The policy's cut-offs (the `classifier` section's defaults are the same values). */
export const defaultCutoffs: Cutoffs = { hamBelow: Policy.defaults.hamBelow, spamAbove: Policy.defaults.spamAbove }

export interface Score {
  readonly probability: number
  readonly chi: ChiResult
  readonly features: ReadonlyArray<string>
  /** The most telling tokens with their f(w), strongest first (at most 10), for traces. */
  readonly clues: ReadonlyArray<readonly [string, number]>
}

/** Extra counts to add to the table (learned counts shared through a TokenStore). */
export interface Extra {
  readonly nham: number
  readonly nspam: number
  readonly counts: ReadonlyMap<string, readonly [number, number]>
}

export const classOf = (probability: number, cutoffs: Cutoffs = defaultCutoffs): ClassName =>
  probability < cutoffs.hamBelow ? "ham" : probability >= cutoffs.spamAbove ? "spam" : "unsure"

/** The named inputs of the logistic layer for one message (their names: LayerInputs.ts). */
export const inputs = (chi: ChiResult, features: ReadonlyArray<string>, margin?: number): Map<string, number> => {
  const x = new Map<string, number>()
  for (const [name, value] of CHI_INPUTS) x.set(name, value(chi))
  if (margin !== undefined) x.set(MARGIN_INPUT, clampMargin(margin))
  for (const f of features) if (isSignedFeature(f)) x.set(`${FEATURE_INPUT_PREFIX}${f}`, 1)
  return x
}

export const logit = (layer: Logistic, x: ReadonlyMap<string, number>): number => {
  let z = layer.bias
  for (const [k, v] of x) z += (layer.weights[k] ?? 0) * v
  return z
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/**
 * Where a clue of f(w) `f` goes among the `limit` strongest kept in `top` (largest |f - 0.5|,
 * strongest first), or -1 when it is weaker than all of them: most of a message's clues are, so
 * the caller builds its pair (and, from a `TokenSet`, its token's string) only for one that goes in.
 */
const clueRank = (top: ReadonlyArray<readonly [string, number]>, f: number, limit: number): number => {
  const d = Math.abs(f - 0.5)
  if (top.length === limit && d <= Math.abs(top[limit - 1]![1] - 0.5)) return -1
  let i = top.length < limit ? top.length : limit - 1
  while (i > 0 && Math.abs(top[i - 1]![1] - 0.5) < d) i--
  return i
}

/** Puts the clue at `rank` (`clueRank`) and drops the one pushed past `limit`. */
const insertClue = (top: Array<readonly [string, number]>, rank: number, token: string, f: number, limit: number) => {
  top.splice(rank, 0, [token, f])
  if (top.length > limit) top.pop()
}

/** Keeps the `limit` strongest clues in `top`, strongest first, in one pass. */
const keepClue = (top: Array<readonly [string, number]>, token: string, f: number, limit: number): void => {
  const rank = clueRank(top, f, limit)
  if (rank >= 0) insertClue(top, rank, token, f, limit)
}

/** Learned counts that change nothing: no learned message, no learned token. */
const isEmpty = (extra: Extra | undefined): boolean =>
  extra === undefined || (extra.nham === 0 && extra.nspam === 0 && extra.counts.size === 0)

const isFeatureToken = (t: string): boolean => isFeatureAt(t, 0, t.length)

/** Whether `text.slice(offset, offset + length)` is a feature token, without the slice. */
const isFeatureAt = (text: string, offset: number, length: number): boolean =>
  length >= 5 && text.charCodeAt(offset) === 102 && text.startsWith("feat:", offset)

/**
 * Room for `n` clues: one buffer, grown when a message has more tokens than any before (at most
 * `MAX_TOKENS`). Scoring is synchronous and `combineFirst` reads the clues before it returns, so
 * no two messages ever share it; an array per message grew by copies, and a typed array per
 * message cost its allocation.
 */
let clueValues = new Float64Array(256)
const clueBuffer = (n: number): Float64Array => {
  if (clueValues.length < n) clueValues = new Float64Array(Math.max(n, 2 * clueValues.length))
  return clueValues
}

/**
 * Chi-square over the message's known tokens. When the table knows none of its words, only
 * feature tokens would count: a lone feature then reads as a confident token verdict (one clue
 * at 0.95 combines to 0.945) and the layer, which weighs the same feature again, counts it
 * twice. Such a message gets the neutral result instead, as the vocabulary-shift samples the
 * layer was fitted on do, and its features decide through their weights alone.
 */
export const chiScore = (
  model: Model,
  tokens: ReadonlyArray<string>,
  extra?: Extra
): { chi: ChiResult; clues: Array<readonly [string, number]> } => {
  const o = model.options
  const probs = clueBuffer(tokens.length)
  let n = 0
  const clues: Array<readonly [string, number]> = []
  if (isEmpty(extra)) {
    const table = clueIndex(model)
    let words = 0
    for (const t of tokens) {
      const f = table.get(t)
      if (f === undefined) continue
      probs[n++] = f
      if (!isFeatureToken(t)) words++
      keepClue(clues, t, f, 10)
    }
    return { chi: combineFirst(probs, words > 0 ? n : 0, o), clues }
  }
  // Learned counts change every token's f(w) (through the totals): computed per message.
  const nham = model.nham + extra!.nham
  const nspam = model.nspam + extra!.nspam
  const table = model.tokens
  const learned = extra!.counts
  let words = 0
  for (const t of tokens) {
    const base = table.get(t)
    const more = learned.get(t)
    if (!base && !more) continue
    const f = clueProbability(
      t,
      (base?.[0] ?? 0) + (more?.[0] ?? 0),
      (base?.[1] ?? 0) + (more?.[1] ?? 0),
      nham,
      nspam,
      o
    )
    if (f === undefined) continue
    probs[n++] = f
    if (!isFeatureToken(t)) words++
    keepClue(clues, t, f, 10)
  }
  return { chi: combineFirst(probs, words > 0 ? n : 0, o), clues }
}

/**
 * `chiScore(model, set.toArray())` without the strings: each token is looked up in the clue index
 * by the piece of text and the hash the set holds, and only a clue that goes into the ten kept
 * becomes a string.
 */
const chiScoreSet = (model: Model, set: TokenSet): { chi: ChiResult; clues: Array<readonly [string, number]> } => {
  const probs = clueBuffer(set.size)
  const table = clueIndex(model)
  const clues: Array<readonly [string, number]> = []
  let n = 0
  let words = 0
  for (let i = 0; i < set.size; i++) {
    const text = set.textAt(i)
    const offset = set.offsetAt(i)
    const length = set.lengthAt(i)
    const f = table.getRange(text, offset, length, set.hashAt(i))
    if (f === undefined) continue
    probs[n++] = f
    if (!isFeatureAt(text, offset, length)) words++
    const rank = clueRank(clues, f, 10)
    if (rank >= 0) insertClue(clues, rank, set.tokenAt(i), f, 10)
  }
  return { chi: combineFirst(probs, words > 0 ? n : 0, model.options), clues }
}

/**
 * The discriminative margin of a model with token weights (Discriminative.ts), else undefined.
 * A second lookup per token, in a `Map`: the token model is a training option that round 15 did
 * not keep (docs/classifier.md), so the clue index, which scoring reads for every message, stays
 * as it is.
 */
export const tokenMargin = (model: Model, tokens: ReadonlyArray<string>): number | undefined =>
  model.discriminative === undefined ? undefined : margin(model.discriminative, tokens)

export const score = (model: Model, tokens: Tokens, extra?: Extra): Score => {
  const { chi, clues } = chiScore(model, tokens.tokens, extra)
  const probability = model.logistic
    ? sigmoid(logit(model.logistic, inputs(chi, tokens.features, tokenMargin(model, tokens.tokens))))
    : chi.probability
  return { probability, chi, features: tokens.features, clues }
}

/**
 * `score(model, tokenize(message))` for the tokens `Tokenizer.collect` left in its set, with the
 * model alone (learned counts need the tokens as strings): the same result, bit for bit.
 */
export const scoreSet = (model: Model, set: TokenSet): Score => {
  const { chi, clues } = chiScoreSet(model, set)
  const probability = model.logistic
    ? sigmoid(
        logit(
          model.logistic,
          inputs(
            chi,
            set.features,
            model.discriminative === undefined ? undefined : margin(model.discriminative, set.toArray())
          )
        )
      )
    : chi.probability
  return { probability, chi, features: set.features, clues }
}
