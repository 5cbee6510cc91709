/**
 * A classifier model: message totals, the token table (how many ham and spam messages held
 * each token), the chi-square options, and the logistic layer that combines the chi-square
 * evidence with structural features. Plain data, mutable only through `addMessage`
 * (training and incremental learning).
 *
 * @category models
 * @since 0.1.0
 */
import { type ChiOptions, defaultChiOptions } from "./Chi2.ts"
import type { TokenWeights } from "./Discriminative.ts"

/**
 * The newest model file format this build writes: 2 added each token's discriminative weight as a
 * fourth column of the table (ModelFile.ts). It reads 1 and 2.
 */
export const MODEL_VERSION = 2

export type Label = "ham" | "spam"

/** Weights of the logistic layer; inputs are named (see Score.inputs). */
export interface Logistic {
  readonly bias: number
  readonly weights: Readonly<Record<string, number>>
}

export interface Model {
  readonly version: number
  nham: number
  nspam: number
  /** token -> [ham count, spam count]. */
  readonly tokens: Map<string, [number, number]>
  readonly options: ChiOptions
  /** Absent: the probability is the chi-square probability alone. */
  readonly logistic?: Logistic | undefined
  /**
   * The discriminative token weights (Discriminative.ts), whose margin is the layer's
   * `tok:margin` input. Absent in models trained without them: the layer then has no such input.
   */
  readonly discriminative?: TokenWeights | undefined
  /** Free-form provenance (training set, date); kept in the file header. */
  readonly meta: Readonly<Record<string, string | number>>
}

export const empty = (
  options: Partial<ChiOptions> = {},
  logistic?: Logistic,
  meta: Record<string, string | number> = {}
): Model => ({
  version: MODEL_VERSION,
  nham: 0,
  nspam: 0,
  tokens: new Map(),
  options: { ...defaultChiOptions, ...options },
  logistic,
  meta
})

/** How often each token table was changed by `addMessage`, so derived caches know when they are stale. */
const versions = new WeakMap<Model["tokens"], number>()

/** The number of `addMessage` calls on the model's table so far (0 for a table never changed). */
export const tableVersion = (model: Model): number => versions.get(model.tokens) ?? 0

/** Counts one message's distinct tokens; `delta` -1 forgets a message learned before. */
export const addMessage = (model: Model, tokens: ReadonlyArray<string>, label: Label, delta: 1 | -1 = 1): void => {
  versions.set(model.tokens, tableVersion(model) + 1)
  const i = label === "ham" ? 0 : 1
  if (label === "ham") model.nham = Math.max(0, model.nham + delta)
  else model.nspam = Math.max(0, model.nspam + delta)
  for (const t of new Set(tokens)) {
    let c = model.tokens.get(t)
    if (!c) {
      if (delta < 0) continue
      c = [0, 0]
      model.tokens.set(t, c)
    }
    c[i] = Math.max(0, c[i]! + delta)
    if (c[0] === 0 && c[1] === 0) model.tokens.delete(t)
  }
}

/** A copy with another logistic layer (training fits it after counting). */
export const withLogistic = (model: Model, logistic: Logistic | undefined): Model => ({ ...model, logistic })

/**
 * Keeps the `maxTokens` most frequent tokens seen at least `minCount` times: tokens seen once
 * are mostly noise (hapaxes), and the cap keeps the shipped file small.
 */
export const prune = (model: Model, minCount: number, maxTokens: number): Model => {
  const kept: Array<[string, [number, number]]> = []
  for (const [t, c] of model.tokens) if (c[0] + c[1] >= minCount) kept.push([t, c])
  kept.sort((a, b) => b[1][0] + b[1][1] - (a[1][0] + a[1][1]) || (a[0] < b[0] ? -1 : 1))
  return { ...model, tokens: new Map(kept.slice(0, maxTokens).map(([t, c]) => [t, [c[0], c[1]]])) }
}
