/**
 * The DNSBL stage's symbols. Only a listing scores; unknown answers make the message unsure.
 * Weights are defaults: `antispam.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const DnsblSymbols = {
  DNSBL_LISTED: {
    weight: 6,
    group: "dnsbl",
    description: "A domain or IP found in the body is listed on a DNSBL zone"
  },
  DNSBL_UNKNOWN: {
    weight: 0,
    undecided: true,
    group: "dnsbl",
    description: "A DNSBL zone did not answer in time or failed; result unknown"
  },
  DNSBL_ERROR_ANSWER: {
    weight: 0,
    group: "dnsbl",
    description: "A DNSBL zone answered an error code or outside 127/8; not a listing"
  },
  DNSBL_ZONE_DOWN: { weight: 0, group: "dnsbl", description: "A DNSBL zone is suspended by the health check; skipped" }
} as const satisfies SymbolTable
