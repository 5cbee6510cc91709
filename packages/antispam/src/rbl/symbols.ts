/**
 * The RBL stage's symbols. Only a listing scores; an answer that is not one is an observation (unknown ones make the message unsure).
 * Weights are defaults: `antispam.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const RblSymbols = {
  RBL_LISTED: { weight: 6, group: "rbl", description: "A sender IP is listed on an RBL zone" },
  RBL_UNKNOWN: {
    weight: 0,
    undecided: true,
    group: "rbl",
    description: "An RBL zone did not answer in time or failed (SERVFAIL/REFUSED); result unknown"
  },
  RBL_ERROR_ANSWER: {
    weight: 0,
    group: "rbl",
    description: "An RBL zone answered an error code (127.255.255.x) or outside 127/8; not a listing"
  },
  RBL_ZONE_DOWN: { weight: 0, group: "rbl", description: "An RBL zone is suspended by the health check; skipped" }
} as const satisfies SymbolTable
