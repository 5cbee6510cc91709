/**
 * The reputation stage's symbols. The declared weights are the defaults of
 * `antispam.reputation.<kind>.bad/good`; a hit carries that weight scaled by the key's smoothed
 * spam ratio, so it is at most the declared weight.
 *
 * @category models
 * @since 0.1.0
 */
import type { SymbolTable } from "@mailmoat/core"

const group = "reputation"

export const ReputationSymbols = {
  REPUTATION_IP_BAD: { weight: 2, group, description: "Mail from this client IP was mostly judged spam" },
  REPUTATION_IP_GOOD: { weight: -1, group, description: "Mail from this client IP was mostly judged ham" },
  REPUTATION_NET_BAD: { weight: 1, group, description: "Mail from this client network was mostly judged spam" },
  REPUTATION_NET_GOOD: { weight: -0.5, group, description: "Mail from this client network was mostly judged ham" },
  REPUTATION_DOMAIN_BAD: {
    weight: 1.5,
    group,
    description: "Mail from this authenticated sender domain was mostly judged spam"
  },
  REPUTATION_DOMAIN_GOOD: {
    weight: -1.5,
    group,
    description: "Mail from this authenticated sender domain was mostly judged ham"
  },
  REPUTATION_STORE_DOWN: {
    weight: 0,
    group,
    description: "Reputation store unreachable; scored without reputation"
  }
} as const satisfies SymbolTable

export type ReputationSymbol = keyof typeof ReputationSymbols
