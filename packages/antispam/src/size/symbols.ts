/**
 * The size limit's symbol.
 * Weights are defaults: `antispam.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const SizeSymbols = {
  SIZE_NOT_SCANNED: { weight: 0, group: "size", description: "Message larger than maxScanSizeKB; not scanned for spam" }
} as const satisfies SymbolTable
