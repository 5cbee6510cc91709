/**
 * Fits the logistic layer: L2-regularised logistic regression by full-batch gradient descent
 * with Adam steps (few inputs, a few thousand samples: a second or two, deterministic).
 *
 * @category constructors
 * @since 0.1.0
 */
import type { Logistic } from "./Model.ts"
import { sigmoid } from "./Score.ts"

export interface Sample {
  readonly x: ReadonlyMap<string, number>
  readonly y: 0 | 1
  /** Sample weight (default 1). */
  readonly weight?: number | undefined
}

export interface FitOptions {
  /** L2 penalty on the weights (not the bias), per sample. */
  readonly l2?: number | undefined
  readonly iterations?: number | undefined
  readonly learningRate?: number | undefined
  /** Weight of a ham sample relative to a spam sample (>1 makes false positives costlier). */
  readonly hamWeight?: number | undefined
  /**
   * Share of the total sample weight given to spam (before `hamWeight`), whatever the samples'
   * own ratio: the fitted bias then stands for this class prior, not for the training set's.
   * Absent: the samples' own ratio.
   */
  readonly spamShare?: number | undefined
  /** Inputs whose weight must stay >= 0 (1) or <= 0 (-1); projected after every step. */
  readonly signs?: Readonly<Record<string, 1 | -1>> | undefined
  /**
   * Prior weights: the L2 penalty pulls a weight towards its prior instead of 0, and fitting
   * starts there. An input the training data never or seldom shows keeps its prior; one the
   * data contradicts moves away from it. Inputs without a prior are pulled towards 0.
   */
  readonly priors?: Readonly<Record<string, number>> | undefined
  /**
   * A layer fitted before: its bias and the inputs it weighs are held at its values, and only the
   * other inputs are fitted (staged fitting). An input added this way changes the score only of
   * the samples that carry it, however much spam it explains: a joint fit would lower the bias
   * for that spam and so every other message's score.
   */
  readonly frozen?: Logistic | undefined
}

/** Per-class factors that give spam `spamShare` of the total sample weight (both 1 without it). */
const classWeights = (samples: ReadonlyArray<Sample>, spamShare: number | undefined): readonly [number, number] => {
  if (spamShare === undefined) return [1, 1]
  if (!(spamShare > 0 && spamShare < 1)) throw new RangeError(`spamShare must be in (0, 1), got ${spamShare}`)
  let ham = 0
  let spam = 0
  for (const s of samples) {
    if (s.y === 1) spam += s.weight ?? 1
    else ham += s.weight ?? 1
  }
  // A class with no samples keeps weight 1: there is nothing to rebalance.
  if (ham === 0 || spam === 0) return [1, 1]
  const total = ham + spam
  return [((1 - spamShare) * total) / ham, (spamShare * total) / spam]
}

export const fit = (samples: ReadonlyArray<Sample>, options: FitOptions = {}): Logistic => {
  const l2 = options.l2 ?? 0.001
  const iterations = options.iterations ?? 3000
  const lr = options.learningRate ?? 0.05
  const hamWeight = options.hamWeight ?? 1
  const classWeight = classWeights(samples, options.spamShare)
  const names = [...new Set([...samples.flatMap((s) => [...s.x.keys()]), ...Object.keys(options.priors ?? {})])].sort()
  const index = new Map(names.map((n, i) => [n, i]))
  const rows = samples.map((s) => ({
    idx: [...s.x.keys()].map((k) => index.get(k)!),
    val: [...s.x.values()],
    y: s.y,
    w: (s.weight ?? 1) * classWeight[s.y] * (s.y === 0 ? hamWeight : 1)
  }))
  const sign = names.map((n) => options.signs?.[n] ?? 0)
  const prior = names.map((n) => options.priors?.[n] ?? 0)
  const total = rows.reduce((a, r) => a + r.w, 0) || 1
  const dim = names.length + 1 // last = bias
  const w = new Float64Array(dim)
  prior.forEach((p, j) => {
    w[j] = p
  })
  const frozen = options.frozen
  const held = new Uint8Array(dim)
  if (frozen !== undefined) {
    names.forEach((n, j) => {
      const fixed = frozen.weights[n]
      if (fixed === undefined) return
      w[j] = fixed
      held[j] = 1
    })
    w[dim - 1] = frozen.bias
    held[dim - 1] = 1
  }
  const m = new Float64Array(dim)
  const v = new Float64Array(dim)
  const g = new Float64Array(dim)
  for (let it = 1; it <= iterations; it++) {
    g.fill(0)
    for (const r of rows) {
      let z = w[dim - 1]!
      for (let j = 0; j < r.idx.length; j++) z += w[r.idx[j]!]! * r.val[j]!
      const err = (sigmoid(z) - r.y) * r.w
      for (let j = 0; j < r.idx.length; j++) g[r.idx[j]!]! += err * r.val[j]!
      g[dim - 1]! += err
    }
    for (let j = 0; j < dim; j++) {
      if (held[j] === 1) continue
      const grad = g[j]! / total + (j < dim - 1 ? l2 * (w[j]! - prior[j]!) : 0)
      m[j] = 0.9 * m[j]! + 0.1 * grad
      v[j] = 0.999 * v[j]! + 0.001 * grad * grad
      const mh = m[j]! / (1 - 0.9 ** it)
      const vh = v[j]! / (1 - 0.999 ** it)
      w[j]! -= (lr * mh) / (Math.sqrt(vh) + 1e-8)
      if (j < dim - 1 && sign[j]! * w[j]! < 0) w[j] = 0
    }
  }
  const fitted = new Map(names.map((n, i) => [n, Math.round(w[i]! * 1e4) / 1e4]))
  // A held input that no sample carries keeps its weight; names stay in one sorted order.
  for (const [n, x] of Object.entries(frozen?.weights ?? {})) if (!fitted.has(n)) fitted.set(n, x)
  const weights: Record<string, number> = {}
  for (const n of [...fitted.keys()].sort()) weights[n] = fitted.get(n)!
  return { bias: Math.round(w[dim - 1]! * 1e4) / 1e4, weights }
}
