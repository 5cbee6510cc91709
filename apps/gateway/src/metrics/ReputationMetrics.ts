/**
 * The reputation counters' metrics (`antispam.reputation`), in the gateway's registry:
 *
 * - `mailmoat_reputation_lookups_total` / `_updates_total`: store calls of the message path (one
 *   lookup per scored message, one update per counted one), failed ones included;
 * - `mailmoat_reputation_store_errors_total{operation,reason}`: those that failed, `reason`
 *   `timeout` (Redis's command deadline, the primary not answering), `unreachable` (not
 *   connected, connection closed or refused) or `error`;
 * - `mailmoat_reputation_symbols_total{symbol}`: the reputation stage's symbols, per message;
 * - `mailmoat_reputation_resets_total{kind}`: keys reset through the admin API (`ip`, `network`,
 *   `domain`);
 * - `mailmoat_reputation_keys{store}`: keys the embedded store holds, read when scraped
 *   (`memory`: this process's LRU; `primary`: the primary's, for the workers of a multi-process
 *   gateway). None with Redis: its only cheap count, DBSIZE, counts every key of the database
 *   (quarantine, lists, other prefixes), and counting ours is a SCAN of the whole key space.
 *
 * Per message only plain numbers move (`PendingCounts`), handed to prom-client when scraped.
 *
 * @category services
 * @since 0.1.0
 */
import type { Reputation } from "@mailmoat/antispam"
import { Counter, Gauge, type Registry } from "prom-client"
import * as ClusterState from "../cluster/SharedState.ts"
import type { GatewaySettings } from "../Settings.ts"
import type { SharedState } from "../SharedState.ts"
import type { PendingCounts } from "./PendingCounts.ts"

export type StoreOperation = "lookup" | "update"

export interface ReputationKeyCount {
  readonly store: "memory" | "primary"
  readonly keys: number
}

export interface ReputationMetrics {
  /** Counts the message path's calls on `store` (the stage's lookups, the updates after the verdict). */
  readonly counted: (store: Reputation.ReputationStoreShape) => Reputation.ReputationStoreShape
  readonly symbol: (name: string) => void
  readonly reset: (kind: string) => void
  /** Where the key count comes from (set once the gateway is wired); undefined: no gauge. */
  keys: (() => Promise<ReputationKeyCount | undefined>) | undefined
}

/** A store error's reason label, from its message (Redis's errors and the cluster channel's). */
export const errorReason = (error: unknown): "timeout" | "unreachable" | "error" => {
  const text = error instanceof Error ? error.message : String(error)
  if (/timed? ?out|did not answer/i.test(text)) return "timeout"
  if (/not connected|connection is closed|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|closed/i.test(text))
    return "unreachable"
  return "error"
}

/** A counter of the registry fed with plain numbers (`PromMetrics`' own). */
type PendingCounter = (
  name: string,
  help: string,
  labelNames: readonly [string] | readonly [string, string]
) => PendingCounts

export const makeReputationMetrics = (registry: Registry, pending: PendingCounter): ReputationMetrics => {
  const calls = { lookup: 0, update: 0 }
  const callCounter = (name: string, help: string, op: StoreOperation) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        if (calls[op] > 0) this.inc(calls[op])
        calls[op] = 0
      }
    })
  callCounter("mailmoat_reputation_lookups_total", "Reputation store lookups of scored messages", "lookup")
  callCounter("mailmoat_reputation_updates_total", "Reputation store updates of counted messages", "update")
  const errors = pending(
    "mailmoat_reputation_store_errors_total",
    "Reputation store calls that failed, by operation and reason",
    ["operation", "reason"]
  )
  const symbols = pending("mailmoat_reputation_symbols_total", "Reputation symbols given, by name", ["symbol"])
  const resets = pending("mailmoat_reputation_resets_total", "Reputation keys reset by an admin, by kind", ["kind"])
  const metrics: ReputationMetrics = {
    counted: (store) => {
      const watched = <A>(op: StoreOperation, call: Promise<A>): Promise<A> => {
        calls[op]++
        return call.catch((error: unknown) => {
          errors.add(op, errorReason(error))
          throw error
        })
      }
      return {
        ...store,
        get describe() {
          return store.describe
        },
        lookup: (keys, window) => watched("lookup", store.lookup(keys, window)),
        record: (keys, label, window) => watched("update", store.record(keys, label, window))
      }
    },
    symbol: (name) => symbols.add(name),
    reset: (kind) => resets.add(kind),
    keys: undefined
  }
  new Gauge({
    name: "mailmoat_reputation_keys",
    help: "Keys held by the embedded reputation store (memory: this process; primary: the multi-process gateway's)",
    labelNames: ["store"],
    registers: [registry],
    async collect() {
      this.reset()
      const count = await metrics.keys?.().catch(() => undefined)
      if (count !== undefined) this.set({ store: count.store }, count.keys)
    }
  })
  return metrics
}

/**
 * Keys the embedded reputation store holds under the settings in force: the primary's for a
 * worker (one call over the cluster channel), this process's memory otherwise; undefined when
 * reputation is off or lives in Redis.
 */
export const reputationKeyCount = async (
  settings: Pick<GatewaySettings, "antispam" | "state">,
  shared: Pick<SharedState, "reputationSize">
): Promise<ReputationKeyCount | undefined> => {
  if (!settings.antispam.reputation.enabled || settings.state.backend === "redis") return undefined
  const primary = ClusterState.reputationStore()
  if (primary !== undefined) return { store: "primary", keys: await primary.size() }
  const size = shared.reputationSize?.()
  return size === undefined ? undefined : { store: "memory", keys: size }
}
