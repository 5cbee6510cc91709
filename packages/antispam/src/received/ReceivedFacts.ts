/**
 * The Received-chain analysis as a message fact: the stages that need the last identified
 * sender (RBL, end-user blocklist, plugin lists, safe senders) share one analysis per message.
 *
 * @category models
 * @since 0.1.0
 */
import { type FactCache, type FactKey, Facts, type Message } from "@mailmoat/core"
import type { CidrSet } from "../net/CidrSet.ts"
import { analyse, type ChainOptions, type ChainResult } from "./ReceivedChain.ts"

/** The analysis of this message's Received chain (`antispam.received`). */
export const ChainAnalysis: FactKey<ChainResult> = Facts.key<ChainResult>("received.chain")

/** The `antispam.received` settings, compiled once. */
export interface ChainConfig {
  readonly trustedNetworks: CidrSet
  /** Our own addresses besides the connection's local address. */
  readonly ownAddresses: ReadonlyArray<string>
  readonly maxIps: number
}

/** The walk's options for one message: our addresses include the connection's local address. */
export const chainOptions = (config: ChainConfig, message: Message): ChainOptions => ({
  trustedNetworks: config.trustedNetworks,
  ownAddresses: message.envelope.localAddress
    ? [message.envelope.localAddress, ...config.ownAddresses]
    : config.ownAddresses,
  maxIps: config.maxIps
})

/** The message's chain analysis, computed on first use. */
export const chainOf = (facts: FactCache, config: ChainConfig, message: Message): ChainResult =>
  facts.getOrSet(ChainAnalysis, () => analyse(message.envelope, message.received, chainOptions(config, message)))
