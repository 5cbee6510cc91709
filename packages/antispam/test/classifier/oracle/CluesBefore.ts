// Clues.ts's `clueTable` as it was when scoring read a `Map` (before the clue index was filled
// from the model directly): the oracle table oracle/ScoreBefore.ts scores with. Kept verbatim but
// for imports; `clueProbability` is the same function the current code uses.
import { clueProbability } from "../../../src/classifier/Clues.ts"
import { type Model, tableVersion } from "../../../src/classifier/Model.ts"

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

/** token -> f(w), for the tokens that may count as clues; the others can never count. */
const clues = (model: Model): Map<string, number> => {
  const table = new Map<string, number>()
  for (const [t, c] of model.tokens) {
    const f = clueProbability(t, c[0], c[1], model.nham, model.nspam, model.options)
    if (f !== undefined) table.set(t, f)
  }
  return table
}

const clueTables = new WeakMap<Model["tokens"], Cached<ReadonlyMap<string, number>>>()

/**
 * Every clue a model's table can give, computed once per table. Scoring a message is then one
 * lookup per token, instead of a lookup, f(w) and the two tests above.
 */
export const clueTable = (model: Model): ReadonlyMap<string, number> => perTable(clueTables, model, clues)
