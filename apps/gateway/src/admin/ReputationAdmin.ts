/**
 * The reputation counters behind the admin API: one key's history and what it scores now
 * (`GET /api/reputation/{key}`), and its reset (`DELETE /api/reputation/{key}`). The key is an IP
 * address, a /24 or /64 network or a domain, parsed to the key the stage derives; an IP's report
 * also shows its network, as a message from it is scored by both.
 *
 * `mailmoat reputation` uses the same with `state.backend: redis`, on Redis directly.
 *
 * The store is the one the gateway's wiring counts in: Redis, the primary's memory for a worker
 * of the multi-process mode, or this process's memory (`SharedState.reputation`), found anew at
 * each request so a reload that switches the section or the backend applies at once.
 *
 * **Gotchas**
 * - `antispam.reputation.enabled: false`: 409 saying so, whatever the store holds.
 * - A store that fails (Redis down, the primary not answering) is a 503 with the reason.
 * - A reset deletes the key named, not its network: forgiving an address leaves its /24's history
 *   (the reply names the network to reset too).
 *
 * @category services
 * @since 0.1.0
 */
import { Reputation } from "@mailmoat/antispam"
import type { GatewayLog } from "../Log.ts"
import type { GatewaySettings } from "../Settings.ts"
import * as StateStores from "../StateStores.ts"
import { OperationError } from "./QuarantineService.ts"

export interface ReputationAdminDeps {
  /** The settings in force: the reputation section and where the state lives. */
  readonly settings: () => Pick<GatewaySettings, "antispam" | "state">
  /** This process's reputation memory (embedded state), as the wiring gets it. */
  readonly memory?: ((maxEntries: number) => Reputation.ReputationStoreShape) | undefined
  readonly now: () => number
  readonly logger: GatewayLog
}

export interface ResetOutcome {
  readonly key: string
  readonly reset: true
  /** Whether there was a history to delete. */
  readonly existed: boolean
  /** An address's network, whose history stays. */
  readonly networkKept?: string | undefined
}

const keyOf = (text: string): Reputation.Keys.ReputationKey => {
  const parsed = Reputation.KeyText.parse(text)
  if (!parsed.ok) throw new OperationError(400, parsed.error)
  return parsed.key
}

export const makeReputationAdmin = (deps: ReputationAdminDeps) => {
  /** Runs `f` on the store in force, released after; the failures said as the API's. */
  const withStore = async <A>(
    f: (store: Reputation.ReputationStoreShape, settings: GatewaySettings["antispam"]["reputation"]) => Promise<A>
  ): Promise<A> => {
    const s = deps.settings()
    const settings = s.antispam.reputation
    if (!settings.enabled)
      throw new OperationError(409, "reputation counters are off (antispam.reputation.enabled: false)")
    // Redis or the primary's memory: a handle of its own, closed after; the process's memory is kept.
    const held = StateStores.reputationStore(s.state)
    const store = held ?? deps.memory?.(settings.maxEntries)
    if (store === undefined) throw new OperationError(503, "no reputation store in this process")
    try {
      return await f(store, settings)
    } catch (e) {
      if (e instanceof OperationError) throw e
      const reason = e instanceof Error ? e.message : String(e)
      // Redis's errors already name the connection.
      const where = reason.startsWith(store.describe) ? "" : ` (${store.describe})`
      throw new OperationError(503, `reputation store unreachable${where}: ${reason}`)
    } finally {
      await held?.close()
    }
  }

  return {
    show: (text: string): Promise<Reputation.History.Report & { readonly query: string }> => {
      const key = keyOf(text)
      return withStore(async (store, settings) => ({
        query: key.key,
        ...(await Reputation.History.show(store, settings, Reputation.KeyText.scoredWith(key), deps.now()))
      }))
    },
    /** `by`: who asked, for the log line (the admin API and its client's address, the CLI). */
    reset: (text: string, by: string): Promise<ResetOutcome> => {
      const key = keyOf(text)
      return withStore(async (store, settings) => {
        const existed = await Reputation.History.reset(store, settings, key, deps.now())
        deps.logger.info("reputation_reset", { key: key.key, existed: String(existed), by })
        const network = key.kind === "ip" ? Reputation.KeyText.scoredWith(key)[1]?.key : undefined
        return { key: key.key, reset: true, existed, ...(network ? { networkKept: network } : {}) }
      })
    }
  }
}

export type ReputationAdmin = ReturnType<typeof makeReputationAdmin>
