/**
 * The temporary-rejection step's symbols (observations: the step changes the action, not the score).
 * Weights are defaults: `antispam.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const TempRejectSymbols = {
  TEMPREJECT_DEFERRED: {
    weight: 0,
    group: "tempreject",
    description: "Unsure message temporarily rejected (451 4.7.1)"
  },
  TEMPREJECT_RETRY: {
    weight: 0,
    group: "tempreject",
    description: "Retry of a temporarily rejected message after the period"
  },
  TEMPREJECT_STORE_DOWN: {
    weight: 0,
    group: "tempreject",
    description: "State store unreachable; temporary rejection skipped (fail open)"
  }
} as const satisfies SymbolTable
