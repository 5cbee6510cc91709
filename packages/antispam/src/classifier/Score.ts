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
import { languageOf } from "./Language.ts"
import { asksLanguage } from "./MeasuredLanguages.ts"
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
  /**
   * The share of the message's distinct words (its tokens other than features) that are clues in
   * the model: how much of its vocabulary the words' verdict can judge by (1 for a message without
   * words; absent in a score made by hand: taken as 1). Decision.ts leans on the form when it is low.
   */
  readonly known?: number
  /**
   * The message's language tag (Language.ts), made only when the model has a language tally and
   * the message has fewer than `FEW_CLUES` clues (MeasuredLanguages.ts): Decision.ts lets the form
   * decide such a message in a language the model did not measure. Absent otherwise.
   */
  readonly language?: string
}

/** What the chi-square step found: its result, the kept clues, and the share of words known. */
interface ChiFound {
  readonly chi: ChiResult
  readonly clues: Array<readonly [string, number]>
  readonly known: number
}

/** `words` clues among `distinct` words, as a share (no word: nothing unknown, 1). */
const shareOf = (words: number, distinct: number): number => (distinct === 0 ? 1 : words / distinct)

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

/**
 * The names of the signed features' layer inputs (`feat:<name>`), made once per feature: the set
 * of signed features is fixed by the build, so this holds at most one entry per feature.
 */
const featureInputs = new Map<string, string>()
const featureInput = (feature: string): string => {
  let name = featureInputs.get(feature)
  if (name === undefined) {
    name = `${FEATURE_INPUT_PREFIX}${feature}`
    featureInputs.set(feature, name)
  }
  return name
}

/**
 * `logit(layer, inputs(chi, features, margin))` without the map: the same terms added in the same
 * order (the chi-square inputs, the margin, then the signed features in their order), so the same
 * sum, bit for bit. `features` are distinct, as the tokenizer gives them.
 */
export const logitOf = (layer: Logistic, chi: ChiResult, features: ReadonlyArray<string>, margin?: number): number => {
  let z = layer.bias
  for (const [name, value] of CHI_INPUTS) z += (layer.weights[name] ?? 0) * value(chi)
  if (margin !== undefined) z += (layer.weights[MARGIN_INPUT] ?? 0) * clampMargin(margin)
  for (const f of features) if (isSignedFeature(f)) z += (layer.weights[featureInput(f)] ?? 0) * 1
  return z
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/** Clues kept for traces: the strongest, at most this many. */
const TOP_CLUES = 10

/**
 * The `TOP_CLUES` strongest clues of the message being scored (largest |f - 0.5|, strongest
 * first; of equal ones, the first seen), as the token's position and its f(w): the pairs are
 * built once, at the end (`topClues`), for the ten kept, not for every clue that went in on the
 * way and was pushed out. Scoring is synchronous: one message at a time uses them.
 */
const topAt = new Int32Array(TOP_CLUES)
const topF = new Float64Array(TOP_CLUES)
let topCount = 0

/** Offers the clue at position `at` with f(w) `f` to the kept ones. */
const keepClue = (at: number, f: number): void => {
  const d = Math.abs(f - 0.5)
  if (topCount === TOP_CLUES && d <= Math.abs(topF[TOP_CLUES - 1]! - 0.5)) return
  let i = topCount < TOP_CLUES ? topCount : TOP_CLUES - 1
  for (; i > 0 && Math.abs(topF[i - 1]! - 0.5) < d; i--) {
    topAt[i] = topAt[i - 1]!
    topF[i] = topF[i - 1]!
  }
  topAt[i] = at
  topF[i] = f
  if (topCount < TOP_CLUES) topCount++
}

/** The kept clues as pairs, the token at a position given by `tokenAt`; empties them. */
const topClues = (tokenAt: (at: number) => string): Array<readonly [string, number]> => {
  const clues = new Array<readonly [string, number]>(topCount)
  for (let k = 0; k < topCount; k++) clues[k] = [tokenAt(topAt[k]!), topF[k]!]
  topCount = 0
  return clues
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
export const chiScore = (model: Model, tokens: ReadonlyArray<string>, extra?: Extra): ChiFound => {
  const o = model.options
  const probs = clueBuffer(tokens.length)
  let n = 0
  topCount = 0
  if (isEmpty(extra)) {
    const table = clueIndex(model)
    let words = 0
    let distinct = 0
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!
      const feature = isFeatureToken(t)
      if (!feature) distinct++
      const f = table.get(t)
      if (f === undefined) continue
      probs[n++] = f
      if (!feature) words++
      keepClue(k, f)
    }
    return {
      chi: combineFirst(probs, words > 0 ? n : 0, o),
      clues: topClues((k) => tokens[k]!),
      known: shareOf(words, distinct)
    }
  }
  // Learned counts change every token's f(w) (through the totals): computed per message.
  const nham = model.nham + extra!.nham
  const nspam = model.nspam + extra!.nspam
  const table = model.tokens
  const learned = extra!.counts
  let words = 0
  let distinct = 0
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!
    const feature = isFeatureToken(t)
    if (!feature) distinct++
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
    if (!feature) words++
    keepClue(k, f)
  }
  return {
    chi: combineFirst(probs, words > 0 ? n : 0, o),
    clues: topClues((k) => tokens[k]!),
    known: shareOf(words, distinct)
  }
}

/**
 * `chiScore(model, set.toArray())` without the strings: each token is looked up in the clue index
 * by the piece of text and the hash the set holds, and only the ten clues kept become strings.
 */
const chiScoreSet = (model: Model, set: TokenSet): ChiFound => {
  const probs = clueBuffer(set.size)
  const table = clueIndex(model)
  table.warm(set.hashList(), set.size)
  topCount = 0
  let n = 0
  let words = 0
  let distinct = 0
  for (let i = 0; i < set.size; i++) {
    const text = set.textAt(i)
    const offset = set.offsetAt(i)
    const length = set.lengthAt(i)
    const feature = isFeatureAt(text, offset, length)
    if (!feature) distinct++
    if (!table.readRange(text, offset, length, set.hashAt(i), probs, n)) continue
    const f = probs[n++]!
    if (!feature) words++
    keepClue(i, f)
  }
  return {
    chi: combineFirst(probs, words > 0 ? n : 0, model.options),
    clues: topClues((i) => set.tokenAt(i)),
    known: shareOf(words, distinct)
  }
}

/**
 * The discriminative margin of a model with token weights (Discriminative.ts), else undefined.
 * A second lookup per token, in a `Map`: the token model is a training option that round 15 did
 * not keep (docs/classifier.md), so the clue index, which scoring reads for every message, stays
 * as it is.
 */
export const tokenMargin = (model: Model, tokens: ReadonlyArray<string>): number | undefined =>
  model.discriminative === undefined ? undefined : margin(model.discriminative, tokens)

/**
 * The message's probability from its chi-square result and features (and, for a model with token
 * weights, the margin over `tokens`, asked for only then), and its language tag when the decision
 * may need it (`asksLanguage`: few clues; the tokens asked for only then).
 */
const scored = (
  model: Model,
  { chi, clues, known }: ChiFound,
  features: Tokens["features"],
  tokens: () => ReadonlyArray<string>
): Score => {
  // The token strings once, if at all: a set builds them on each call.
  let strings: ReadonlyArray<string> | undefined
  const list = (): ReadonlyArray<string> => (strings ??= tokens())
  const language = asksLanguage(model, chi.used) ? languageOf(list()) : undefined
  const probability = model.logistic
    ? sigmoid(
        logitOf(
          model.logistic,
          chi,
          features,
          model.discriminative === undefined ? undefined : tokenMargin(model, list())
        )
      )
    : chi.probability
  return language === undefined
    ? { probability, chi, features, clues, known }
    : { probability, chi, features, clues, known, language }
}

export const score = (model: Model, tokens: Tokens, extra?: Extra): Score => {
  return scored(model, chiScore(model, tokens.tokens, extra), tokens.features, () => tokens.tokens)
}

/**
 * `score(model, tokenize(message))` for the tokens `Tokenizer.collect` left in its set, with the
 * model alone (learned counts need the tokens as strings): the same result, bit for bit.
 */
export const scoreSet = (model: Model, set: TokenSet): Score => {
  return scored(model, chiScoreSet(model, set), set.features, () => set.toArray())
}
