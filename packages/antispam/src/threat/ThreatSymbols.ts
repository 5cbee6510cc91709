/**
 * Symbols of the threat (virus scanner) stage. A found threat outweighs any spam score on its
 * own; a scanner that could not scan is an observation (weight 0) and a warning, never "clean"
 * and never "spam" (fail open, visibly).
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const ThreatSymbols = {
  THREAT_FOUND: {
    weight: 100,
    group: "threat",
    description: "The virus scanner (clamd) found a threat; detail names the signature and MIME part"
  },
  THREAT_SCAN_UNAVAILABLE: {
    weight: 0,
    group: "threat",
    description:
      "The virus scanner could not scan the message (down, timeout, size limit, error); the message was not checked for threats"
  }
} as const satisfies SymbolTable
