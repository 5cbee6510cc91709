/**
 * Where `mailmoat reputation` asks: the running gateway's admin API, which holds every backend's
 * history (its memory, the primary's, Redis); or, with `state.backend: redis` and no `--url`,
 * Redis itself, through the gateway's own reputation admin (same keys, same scoring, same
 * errors), so a fleet's history can be read and reset with no gateway running.
 *
 * Both answer the API's JSON; failures map to the CLI's exit codes like the API's statuses
 * (400/409: exit 2; store unreachable: exit 1).
 *
 * @since 0.1.0
 */
import { adminApi } from "./AdminApi.ts"
import { messageOf } from "./Common.ts"
import { type LoadedConfig, stateSettings } from "./Config.ts"
import { InputError, RuntimeFailure } from "./Errors.ts"

export interface ReputationAccess {
  /** Where the answers come from, for messages. */
  readonly where: string
  /** The report (`GET /api/reputation/{key}`'s JSON). */
  readonly show: (key: string) => Promise<unknown>
  /** The outcome (`DELETE /api/reputation/{key}`'s JSON); an address's network too with `withNetwork`. */
  readonly reset: (key: string, withNetwork: boolean) => Promise<unknown>
  /** A page of keys (`GET /api/reputation?…`'s JSON). */
  readonly list: (query: Readonly<Record<string, string>>) => Promise<unknown>
}

const overApi = async (config: LoadedConfig, url: string | undefined): Promise<ReputationAccess> => {
  const api = await adminApi(config, url)
  const path = (key: string) => `/api/reputation/${encodeURIComponent(key)}`
  return {
    where: "the gateway's admin API",
    show: (key) => api.request("GET", path(key)),
    reset: (key, withNetwork) => api.request("DELETE", `${path(key)}${withNetwork ? "?network=1" : ""}`),
    list: (query) => api.request("GET", `/api/reputation?${new URLSearchParams(query)}`)
  }
}

/** The gateway's refusals carry their HTTP status: the same exit codes as through the API. */
const mapped = async <A>(f: () => Promise<A>): Promise<A> => {
  try {
    return await f()
  } catch (e) {
    const status = (e as { status?: unknown }).status
    if (typeof status === "number" && status < 500) throw new InputError([messageOf(e)])
    throw new RuntimeFailure(messageOf(e))
  }
}

const overRedis = async (config: LoadedConfig): Promise<ReputationAccess> => {
  const { Log, makeReputationAdmin } = await import("@mailmoat/gateway")
  const settings = { antispam: config.config.antispam, state: stateSettings(config) }
  const admin = makeReputationAdmin({
    settings: () => settings,
    now: Date.now,
    // The reset is reported on stdout; there is no gateway log to write to.
    logger: Log.make({ level: "error", format: "text" }, () => {}, Date.now)
  })
  return {
    where: "Redis",
    show: (key) => mapped(() => admin.show(key)),
    reset: (key, withNetwork) => mapped(() => admin.reset(key, `mailmoat CLI (pid ${process.pid})`, withNetwork)),
    list: (query) => mapped(() => admin.list((name) => query[name]))
  }
}

export const openReputation = (config: LoadedConfig, url: string | undefined): Promise<ReputationAccess> =>
  url === undefined && config.config.state.backend === "redis" ? overRedis(config) : overApi(config, url)
