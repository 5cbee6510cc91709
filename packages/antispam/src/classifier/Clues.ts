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

interface ClueTable {
  readonly nham: number
  readonly nspam: number
  readonly options: Model["options"]
  readonly version: number
  /** token -> f(w), for the tokens that may count as clues; the others can never count. */
  readonly clues: ReadonlyMap<string, number>
}

export const clueTables = new WeakMap<Model["tokens"], ClueTable>()

/**
 * Every clue a model's table can give, computed once per table and kept while the totals, the
 * options and the table stay the same (`addMessage` bumps the table's version). Scoring a message
 * is then one lookup per token, instead of a lookup, f(w) and the two tests above.
 */
export const clueTable = (model: Model): ReadonlyMap<string, number> => {
  const version = tableVersion(model)
  const cached = clueTables.get(model.tokens)
  if (
    cached !== undefined &&
    cached.nham === model.nham &&
    cached.nspam === model.nspam &&
    cached.options === model.options &&
    cached.version === version
  )
    return cached.clues
  const clues = new Map<string, number>()
  for (const [t, c] of model.tokens) {
    const f = clueProbability(t, c[0], c[1], model.nham, model.nspam, model.options)
    if (f !== undefined) clues.set(t, f)
  }
  clueTables.set(model.tokens, { nham: model.nham, nspam: model.nspam, options: model.options, version, clues })
  return clues
}
