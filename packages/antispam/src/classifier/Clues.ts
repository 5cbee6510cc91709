/**
 * Which tokens of a model's table count as clues for the chi-square step, and with what f(w).
 * A token counts when f(w) lies far enough from 0.5 and, for a signed feature's token, on its
 * sign's side. For a model alone (no learned counts) that depends only on the table, so it is
 * computed once per table: scoring is then one lookup per token.
 *
 * @category models
 * @since 0.3.0
 */
import { tokenProbability } from "./Chi2.ts"
import * as ClueIndex from "./ClueIndex.ts"
import { TOKEN_SIGNS } from "./FeatureSigns.ts"
import { type Model, tableVersion } from "./Model.ts"
import { FEATURE_PREFIX } from "./Tokenizer.ts"

/**
 * f(w) of a token when it may count as a clue, else undefined: only tokens far enough from 0.5
 * count (combine would drop the others anyway), and a signed feature's token only in its sign's
 * direction. Otherwise the table would learn what the layer may not, e.g. a Return-Path on
 * another domain as ham evidence because lists set one.
 */
export const clueProbability = (
  t: string,
  ham: number,
  spam: number,
  nham: number,
  nspam: number,
  o: Model["options"]
): number | undefined => {
  const f = tokenProbability(ham, spam, nham, nspam, o)
  if (Math.abs(f - 0.5) < o.minDev) return undefined
  // Only `feat:` tokens can have a sign: a character test spares the other tokens a map lookup.
  if (t.charCodeAt(4) === 58 && t.startsWith(FEATURE_PREFIX)) {
    const sign = TOKEN_SIGNS.get(t)
    if (sign !== undefined && (f - 0.5) * sign < 0) return undefined
  }
  return f
}

interface Cached<T> {
  readonly nham: number
  readonly nspam: number
  readonly options: Model["options"]
  readonly version: number
  readonly value: T
}

/**
 * `build(model)`, kept per table while the totals, the options and the table stay the same
 * (`addMessage` bumps the table's version).
 */
const perTable = <T>(cache: WeakMap<Model["tokens"], Cached<T>>, model: Model, build: (model: Model) => T): T => {
  const version = tableVersion(model)
  const cached = cache.get(model.tokens)
  if (
    cached !== undefined &&
    cached.nham === model.nham &&
    cached.nspam === model.nspam &&
    cached.options === model.options &&
    cached.version === version
  )
    return cached.value
  const value = build(model)
  cache.set(model.tokens, { nham: model.nham, nspam: model.nspam, options: model.options, version, value })
  return value
}

const clueIndexes = new WeakMap<Model["tokens"], Cached<ClueIndex.ClueIndex>>()

/**
 * The tokens that may count as clues, with their f(w), straight into the index: two arrays on
 * the way, not a `Map` (some 1.6 MB of heap for the shipped model that would be garbage the
 * moment the index exists).
 */
const indexClues = (model: Model): ClueIndex.ClueIndex => {
  const keys: Array<string> = []
  const values = new Float64Array(model.tokens.size)
  // forEach, not for-of: an entries iterator makes a [key, value] array per token.
  model.tokens.forEach((c, t) => {
    const f = clueProbability(t, c[0], c[1], model.nham, model.nspam, model.options)
    if (f === undefined) return
    values[keys.length] = f
    keys.push(t)
  })
  return ClueIndex.make(keys, values)
}

/**
 * Every clue a model's table can give, computed once per table, in the layout scoring looks
 * them up in (`ClueIndex.ts`). Scoring a message is then one lookup per token, instead of a
 * lookup, f(w) and the two tests above.
 */
export const clueIndex = (model: Model): ClueIndex.ClueIndex => perTable(clueIndexes, model, indexClues)
