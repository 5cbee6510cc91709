/**
 * Robinson's token probability and Fisher's chi-square combining, as in SpamBayes and bogofilter.
 *
 * - f(w) = (s·x + n·p(w)) / (s + n): the token's spam probability p(w) shrunk towards `x` with
 *   strength `s`, where n is how often the token was seen (Robinson's smoothing).
 * - Only tokens with |f(w) - 0.5| >= `minDev` count, the `maxTokens` most extreme of them.
 * - S = 1 - Q(-2 Σ ln(1 - f), 2n), H = 1 - Q(-2 Σ ln f, 2n), probability = (1 + S - H) / 2,
 *   where Q is the chi-square survival function. Two strong but opposite signals give
 *   S ≈ H ≈ 1, probability ≈ 0.5: the combining is honest about conflict.
 *
 * @category models
 * @since 0.1.0
 */

/**
 * Default of `minClues`. A lone clue at 0.97 combines to 0.97 on its own, to 0.85 among three
 * (0.80 among five): on mail whose words the table mostly does not know, one or two surviving
 * words (`trial` in a subject) otherwise decided as firmly as a hundred. 3 rather than 5: 5 made
 * the layer weigh the token verdict more and added false positives on the other era's short RSS
 * items (docs/classifier.md, round 7).
 */
export const MIN_CLUES = 3

export interface ChiOptions {
  /** Robinson's strength of the prior (SpamBayes `unknown_word_strength`). */
  readonly s: number
  /** Prior probability of an unknown token (SpamBayes `unknown_word_prob`). */
  readonly x: number
  /** Minimum |f(w) - 0.5| for a token to be used. */
  readonly minDev: number
  /** At most this many tokens are combined. */
  readonly maxTokens: number
  /**
   * Fewer clues than this are combined as if neutral clues (0.5) made up the rest: one or two
   * known tokens give a weak verdict, not a confident one (0 in models written before the option).
   */
  readonly minClues: number
}

export const defaultChiOptions: ChiOptions = { s: 0.45, x: 0.5, minDev: 0.1, maxTokens: 150, minClues: MIN_CLUES }

export interface ChiResult {
  readonly probability: number
  /** Spam evidence S in [0,1]. */
  readonly spam: number
  /** Ham evidence H in [0,1]. */
  readonly ham: number
  /** Number of tokens combined. */
  readonly used: number
}

/** Survival function of the chi-square distribution with an even number of degrees of freedom. */
export const chi2Q = (x2: number, v: number): number => {
  const m = x2 / 2
  let term = Math.exp(-m)
  let sum = term
  for (let i = 1; i < v / 2; i++) {
    term *= m / i
    sum += term
  }
  return Math.min(sum, 1)
}

/** Robinson's f(w) from the token's counts and the class totals. */
export const tokenProbability = (ham: number, spam: number, nham: number, nspam: number, o: ChiOptions): number => {
  const hr = nham > 0 ? Math.min(1, ham / nham) : 0
  const sr = nspam > 0 ? Math.min(1, spam / nspam) : 0
  const n = ham + spam
  if (n === 0 || hr + sr === 0) return o.x
  const p = sr / (hr + sr)
  return (o.s * o.x + n * p) / (o.s + n)
}

const deviation = (p: number): number => Math.abs(p - 0.5)

/**
 * The `max` most extreme clues (|p - 0.5| >= `minDev`) in the order a stable sort by deviation,
 * most extreme first, gives them, or undefined when only the input order can tell that order.
 * `sorted` holds the values after one native sort (no comparator call per pair): the low end of the sorted values
 * holds the clues towards ham, the high end those towards spam, each side ordered by deviation,
 * so merging the two ends yields the clues by deviation. Clues of equal deviation but different
 * value (p and 1 - p, or values that round to one deviation) are ordered by their position in the
 * input, which the sort has lost: they return undefined, and the caller sorts by comparison.
 */
const mostExtreme = (sorted: Float64Array, max: number, minDev: number): Array<number> | undefined => {
  const chosen: Array<number> = []
  let low = 0
  let high = sorted.length - 1
  let last = Number.NaN
  let lastDev = -1
  while (low <= high) {
    const a = sorted[low]!
    const b = sorted[high]!
    const da = deviation(a)
    const db = deviation(b)
    const takeLow = da >= db
    const p = takeLow ? a : b
    const d = takeLow ? da : db
    if (d < minDev) break
    if (d === lastDev && p !== last) return undefined
    // A tie between the two ends with different values: input order decides (it also decides
    // which of them is cut when the tie straddles the limit).
    if (low < high && da === db && a !== b) return undefined
    if (chosen.length === max) break
    chosen.push(p)
    last = p
    lastDev = d
    if (takeLow) low++
    else high--
  }
  return chosen
}

/** Combines token probabilities (already f(w)) into one probability. */
export const combine = (probabilities: ReadonlyArray<number>, o: ChiOptions): ChiResult =>
  combineFirst(probabilities, probabilities.length, o)

/**
 * `combine` of the first `n` values of `values`: scoring collects a message's clues in a typed
 * array sized once for its tokens, not in an array that grows (and is copied) as clues are found.
 */
export const combineFirst = (values: ArrayLike<number>, n: number, o: ChiOptions): ChiResult => {
  let count = 0
  for (let i = 0; i < n; i++) if (deviation(values[i]!) >= o.minDev) count++
  // Up to `maxTokens` clues all count, in input order; beyond, the most extreme ones in order of
  // deviation (ties in input order: a stable sort), so the sums below add up in the same order.
  const chosen = count <= o.maxTokens ? undefined : mostExtremeOf(values, n, o)
  const used = chosen === undefined ? count : chosen.length
  if (used === 0) return { probability: 0.5, spam: 0, ham: 0, used: 0 }
  let lnHam = 0
  let lnSpam = 0
  // The chosen extremes, or else every clue of the first `n` values, in that order.
  const from = chosen ?? values
  const m = chosen === undefined ? n : chosen.length
  for (let i = 0; i < m; i++) {
    const p = from[i]!
    if (chosen === undefined && deviation(p) < o.minDev) continue
    const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6)
    lnHam += Math.log(q)
    lnSpam += Math.log(1 - q)
  }
  // Neutral clues pad a short list: each adds ln 0.5 to both sums and two degrees of freedom.
  const pad = Math.max(0, o.minClues - used)
  lnHam -= pad * Math.LN2
  lnSpam -= pad * Math.LN2
  const v = 2 * (used + pad)
  const spam = 1 - chi2Q(-2 * lnSpam, v)
  const ham = 1 - chi2Q(-2 * lnHam, v)
  return { probability: (1 + spam - ham) / 2, spam, ham, used }
}

/** The `maxTokens` most extreme of the first `n` values, in the order of a stable sort by deviation. */
const mostExtremeOf = (values: ArrayLike<number>, n: number, o: ChiOptions): ReadonlyArray<number> => {
  const sorted = new Float64Array(n)
  for (let i = 0; i < n; i++) sorted[i] = values[i]!
  return (
    mostExtreme(sorted.sort(), o.maxTokens, o.minDev) ??
    Array.from({ length: n }, (_, i) => values[i]!)
      .filter((q) => deviation(q) >= o.minDev)
      .sort((a, b) => deviation(b) - deviation(a))
      .slice(0, o.maxTokens)
  )
}
