/**
 * Symbol helpers and, for `mailmoat explain` and the docs, every built-in stage's table in one
 * place. Each table is declared in its stage's folder, with default weights (`antispam.scores`
 * may override them). Zero-weight symbols are observations only: an unknown list answer is
 * never spam by itself.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolHit, SymbolTable } from "@mailmoat/core"

export { BypassSymbols } from "./bypass/symbols.ts"
export { DnsblSymbols } from "./dnsbl/symbols.ts"
export { EndUserSymbols } from "./enduser/symbols.ts"
export { RblSymbols } from "./rbl/symbols.ts"
export { SizeSymbols } from "./size/symbols.ts"
export { TempRejectSymbols } from "./tempreject/symbols.ts"

/** Builds a hit for a declared symbol; the score is the declared default weight. */
export const hit = <T extends SymbolTable>(table: T, name: keyof T & string, source: string, detail?: string): SymbolHit => ({
  name,
  score: table[name]!.weight,
  source,
  detail
})
