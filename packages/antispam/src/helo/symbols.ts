/**
 * The HELO check's symbol. Weights are defaults: `antispam.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const HeloSymbols = {
  HELO_NOT_FQDN: { weight: 1, group: "helo", description: "HELO name is not a fully qualified domain name" }
} as const satisfies SymbolTable
