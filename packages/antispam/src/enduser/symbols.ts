/**
 * The end-user blocklist stage's symbols.
 * Weights are defaults: `antispam.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const EndUserSymbols = {
  ENDUSER_LISTED: {
    weight: 6,
    group: "enduser",
    description: "Message not from a mail server and the sender is on the end-user blocklist"
  },
  ENDUSER_NOT_MAILSERVER: {
    weight: 0,
    group: "enduser",
    description: "The sending host does not look like a mail server (evidence in detail)"
  },
  ENDUSER_UNKNOWN: {
    weight: 0,
    undecided: true,
    group: "enduser",
    description: "The end-user blocklist zone did not answer; result unknown"
  }
} as const satisfies SymbolTable
