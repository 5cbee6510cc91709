/**
 * The symbols an engine knows: every stage's and verdict step's declared table, merged once
 * when the engine is made. It answers which symbols are `undecided` (for the policy) and applies
 * the configured weight overrides (`scores`, rspamd's model: a stage declares a default weight,
 * the configuration may change it).
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolHit, SymbolTable } from "../SymbolHit.ts"
import type { StageTrace } from "../Verdict.ts"

export interface SymbolRegistry {
  /** Every declared symbol name. */
  readonly names: ReadonlySet<string>
  readonly undecided: ReadonlySet<string>
  /** The trace with overridden weights applied to its symbols (the same object when none apply). */
  readonly rescore: (trace: StageTrace) => StageTrace
  readonly rescoreHits: (hits: ReadonlyArray<SymbolHit>) => ReadonlyArray<SymbolHit>
}

/** Builds the registry; the names in `scores` that no table declares are returned as `unknown`. */
export const make = (
  tables: ReadonlyArray<SymbolTable>,
  scores: Readonly<Record<string, number>> = {}
): { readonly registry: SymbolRegistry; readonly unknown: ReadonlyArray<string> } => {
  const names = new Set<string>()
  const undecided = new Set<string>()
  for (const table of tables)
    for (const [name, def] of Object.entries(table)) {
      names.add(name)
      if (def.undecided === true) undecided.add(name)
    }
  const overrides = new Map(Object.entries(scores).filter(([, w]) => Number.isFinite(w)))
  const unknown = [...overrides.keys()].filter((n) => !names.has(n))
  const rescoreHits = (hits: ReadonlyArray<SymbolHit>): ReadonlyArray<SymbolHit> => {
    if (overrides.size === 0 || !hits.some((h) => overrides.has(h.name))) return hits
    return hits.map((h) => {
      const w = overrides.get(h.name)
      return w === undefined ? h : { ...h, score: w }
    })
  }
  const rescore = (trace: StageTrace): StageTrace => {
    const symbols = rescoreHits(trace.symbols)
    return symbols === trace.symbols ? trace : { ...trace, symbols }
  }
  return { registry: { names, undecided, rescore, rescoreHits }, unknown }
}
