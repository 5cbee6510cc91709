/**
 * The reputation counters behind the admin API: one key's history and what it scores now
 * (`GET /api/reputation/{key}`), its reset (`DELETE /api/reputation/{key}`, an address's network
 * too when asked) and a bounded, paged listing of the keys of a kind (`GET /api/reputation`,
 * `Listing.ts`). The key is an IP address, a /24 or /64 network or a domain, parsed to the key
 * the stage derives; an IP's report also shows its network, as a message from it is scored by
 * both.
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
 * - A reset deletes the key named, not its network, unless `withNetwork`: forgiving an address
 *   leaves its /24's history otherwise (the reply names the network kept).
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
  /** Called with each key a reset deleted or found empty (for `/metrics`). */
  readonly onReset?: ((kind: Reputation.Keys.Kind) => void) | undefined
}

export interface ResetOutcome {
  readonly key: string
  readonly reset: true
  /** Whether there was a history to delete. */
  readonly existed: boolean
  /** An address's network, whose history stays. */
  readonly networkKept?: string | undefined
  /** An address's network reset with it (`withNetwork`), and whether it had a history. */
  readonly network?: { readonly key: string; readonly existed: boolean } | undefined
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
    /**
     * `by`: who asked, for the log line (the admin API and its client's address, the CLI);
     * `withNetwork`: an address's /24 or /64 goes too (one log line each).
     */
    reset: (text: string, by: string, withNetwork = false): Promise<ResetOutcome> => {
      const key = keyOf(text)
      return withStore(async (store, settings) => {
        const forget = async (k: Reputation.Keys.ReputationKey) => {
          const existed = await Reputation.History.reset(store, settings, k, deps.now())
          deps.logger.info("reputation_reset", { key: k.key, existed: String(existed), by })
          deps.onReset?.(k.kind)
          return existed
        }
        const existed = await forget(key)
        const network = key.kind === "ip" ? Reputation.KeyText.scoredWith(key)[1] : undefined
        if (network === undefined) return { key: key.key, reset: true, existed }
        return withNetwork
          ? { key: key.key, reset: true, existed, network: { key: network.key, existed: await forget(network) } }
          : { key: key.key, reset: true, existed, networkKept: network.key }
      })
    },
    /** A page of keys of a kind (`Listing.parseQuery`'s parameters); 400 for a malformed query. */
    list: (param: (name: string) => string | null | undefined): Promise<Reputation.Listing.ListPage> => {
      const parsed = Reputation.Listing.parseQuery(param)
      if (!parsed.ok) return Promise.reject(new OperationError(400, parsed.error))
      return withStore((store, settings) => Reputation.Listing.list(store, settings, parsed.query, deps.now()))
    }
  }
}

export type ReputationAdmin = ReturnType<typeof makeReputationAdmin>
