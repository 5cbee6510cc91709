/**
 * The state stores the configuration names, in one place for the gateway and the CLI:
 * embedded (memory records, files under `dataDir`) by default, Redis (`@mailmoat/redis`) with
 * `state.backend: redis`, keys under `state.keyPrefix` (default `mailmoat:`).
 *
 * @category constructors
 * @since 0.1.0
 */
import { ListStore } from "@mailmoat/antispam"
import { Dns, type DnsCacheStore, type QuarantineStoreShape, type TempRejectStoreShape, type TokenStoreShape } from "@mailmoat/core"
import { FileListDocuments, FileQuarantineStore, NodeDns } from "@mailmoat/platform-node"
import { RedisQuarantineStore, RedisTempRejectStore, RedisTokenStore } from "@mailmoat/redis"
import { join } from "node:path"

export interface StateSettings {
  readonly backend: "embedded" | "redis"
  readonly url?: string | undefined
  readonly keyPrefix?: string | undefined
}

const redisOf = (state: StateSettings) => (state.backend === "redis" && state.url !== undefined ? { url: state.url, prefix: state.keyPrefix ?? "mailmoat:" } : undefined)

/** Shared temporary-rejection records; `undefined` = the engine's embedded memory store. */
export const tempRejectStore = (state: StateSettings): TempRejectStoreShape | undefined => {
  const redis = redisOf(state)
  return redis && RedisTempRejectStore.make({ url: redis.url, prefix: `${redis.prefix}tempreject:` })
}

/** Shared learned classifier counts; `undefined` = memory, this process only. */
export const tokenStore = (state: StateSettings): TokenStoreShape | undefined => {
  const redis = redisOf(state)
  return redis && RedisTokenStore.make({ url: redis.url, prefix: `${redis.prefix}classifier:` })
}

/** The quarantine: files under `path`, or Redis. */
export const quarantineStore = (path: string, state: StateSettings): QuarantineStoreShape => {
  const redis = redisOf(state)
  return redis ? RedisQuarantineStore.make({ url: redis.url, prefix: `${redis.prefix}quarantine:` }) : FileQuarantineStore.make({ root: path })
}

/** The imported lists (`mailmoat lists import`) under `<dataDir>/lists`. */
export const listStore = (dataDir: string): ListStore.ListStore => ListStore.make(FileListDocuments.make(join(dataDir, "lists")))

export interface DnsCacheSettings {
  /** `state.dnsCache`: TTL cap, negative TTL and local entries (defaults 86400, 60, 10000). */
  readonly limits?: { readonly maxTtlSeconds: number; readonly negativeTtlSeconds: number; readonly localEntries: number } | undefined
  /** The fleet's cache (Redis), behind this process's memory. */
  readonly shared?: DnsCacheStore | undefined
}

/**
 * The resolver on `antispam.dns.servers` (empty = the system resolvers), with a TTL cache: this
 * process's memory, in front of the fleet's cache when there is one.
 */
export const resolver = (servers: ReadonlyArray<string> | undefined, options: { readonly cache?: boolean } & DnsCacheSettings = {}) => {
  if (options.cache === false) return NodeDns.make({ servers, cache: false })
  const limits = options.limits
  const local = limits?.localEntries === 0 ? undefined : Dns.makeMemoryStore(limits?.localEntries)
  const store = options.shared === undefined ? local : local === undefined ? options.shared : Dns.makeLayeredStore(local, options.shared)
  return NodeDns.make({ servers, cache: { store, maxTtlSeconds: limits?.maxTtlSeconds, negativeTtlSeconds: limits?.negativeTtlSeconds } })
}
