/**
 * The bypass stages' symbols (all zero weight: a bypass is an observation, the decision does the work).
 * Weights are defaults: `antispam.scores` may override them.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

export const BypassSymbols = {
  BYPASS_ALLOWED_IP: { weight: 0, group: "bypass", description: "Client IP is in antispam.bypass.allowedIps" },
  BYPASS_SESSION: { weight: 0, group: "bypass", description: "Authenticated trusted relay set the bypass flag" },
  BYPASS_SESSION_IGNORED: {
    weight: 0,
    group: "bypass",
    description: "Session bypass flag present but acceptSessionBypass is off"
  },
  BYPASS_RECIPIENT: { weight: 0, group: "bypass", description: "Recipient has bypassAntispam in the directory" },
  BYPASS_SAFE_SENDER: {
    weight: 0,
    group: "bypass",
    description: "Sender is in the recipient's safeSenders (From domain authenticated)"
  },
  SAFE_SENDER_UNAUTHENTICATED: {
    weight: 0,
    group: "bypass",
    description: "Sender is a safe sender but the From domain is not authenticated; not applied"
  }
} as const satisfies SymbolTable
