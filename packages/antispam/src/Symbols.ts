/**
 * Symbol helpers. Each symbol table is declared in its stage's folder (`symbols.ts`), with
 * default weights (`antispam.scores` may override them), and carried by the stage
 * (`Stage.symbols`): the engine collects the tables of the stages it runs, so a new stage's
 * symbols need no list here. Zero-weight symbols are observations only: an unknown list answer
 * is never spam by itself.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolHit, SymbolTable } from "@mailmoat/core"

/** Builds a hit for a declared symbol; the score is the declared default weight. */
export const hit = <T extends SymbolTable>(
  table: T,
  name: keyof T & string,
  source: string,
  detail?: string
): SymbolHit => ({
  name,
  score: table[name]!.weight,
  source,
  detail
})
