/**
 * The state stores the configuration names, in one place for the gateway and the CLI:
 * embedded (memory records, files under `dataDir`) by default, Redis (`@mailmoat/redis`) with
 * `state.backend: redis`, keys under `state.keyPrefix` (default `mailmoat:`). `layer` gives the
 * engine's services (resolver, temporary-rejection records, learned counts, imported lists) as
 * one scoped layer: the Redis connections close with its scope.
 *
 * @category constructors
 * @since 0.1.0
 */
import { ListStore } from "@mailmoat/antispam"
import { type DnsService, type ListDocuments, type QuarantineStoreShape, State, type TempRejectStore, type TempRejectStoreShape, type TokenStore, type TokenStoreShape } from "@mailmoat/core"
import { FileListDocuments, FileQuarantineStore, NodeDns } from "@mailmoat/platform-node"
import { RedisQuarantineStore, RedisTempRejectStore, RedisTokenStore } from "@mailmoat/redis"
import { Layer } from "effect"
import { join } from "node:path"
import * as SharedState from "./cluster/SharedState.ts"

export interface StateSettings {
  readonly backend: "embedded" | "redis"
  readonly url?: string | undefined
  readonly keyPrefix?: string | undefined
}

const redisOf = (state: StateSettings) => (state.backend === "redis" && state.url !== undefined ? { url: state.url, prefix: state.keyPrefix ?? "mailmoat:" } : undefined)

/**
 * Shared temporary-rejection records: Redis, or in a multi-process gateway the primary's memory;
 * `undefined` = the engine's embedded memory store.
 */
export const tempRejectStore = (state: StateSettings): TempRejectStoreShape | undefined => {
  const redis = redisOf(state)
  return redis ? RedisTempRejectStore.make({ url: redis.url, prefix: `${redis.prefix}tempreject:` }) : SharedState.tempRejectStore()
}

/** Shared learned classifier counts (as above); `undefined` = memory, this process only. */
export const tokenStore = (state: StateSettings): TokenStoreShape | undefined => {
  const redis = redisOf(state)
  return redis ? RedisTokenStore.make({ url: redis.url, prefix: `${redis.prefix}classifier:` }) : SharedState.tokenStore()
}

/** The quarantine: files under `path`, or Redis. */
export const quarantineStore = (path: string, state: StateSettings): QuarantineStoreShape => {
  const redis = redisOf(state)
  return redis ? RedisQuarantineStore.make({ url: redis.url, prefix: `${redis.prefix}quarantine:` }) : FileQuarantineStore.make({ root: path })
}

/** The imported lists (`mailmoat lists import`) under `<dataDir>/lists`. */
export const listStore = (dataDir: string): ListStore.ListStore => ListStore.make(FileListDocuments.make(join(dataDir, "lists")))

/** The resolver on `antispam.dns.servers` (empty = the system resolvers), with a TTL cache. */
export const resolver = (servers: ReadonlyArray<string> | undefined, options: { readonly cache?: boolean } = {}) =>
  NodeDns.make({ servers, ...(options.cache === false ? { cache: false } : {}) })

/** What the engine's stages and steps are given: every one a core service contract. */
export type EngineServices = DnsService | TempRejectStore | TokenStore | ListDocuments

/**
 * The engine's services as the configuration picks them: the resolver on `antispam.dns.servers`,
 * temporary-rejection records and learned counts (memory, or Redis under `state.keyPrefix`) and
 * the imported lists under `<dataDir>/lists`. Bad resolver addresses fail the layer.
 */
export const layer = (state: StateSettings, dataDir: string, dnsServers: ReadonlyArray<string> | undefined): Layer.Layer<EngineServices, Error> => {
  const redis = redisOf(state)
  return Layer.mergeAll(
    NodeDns.layer({ servers: dnsServers }),
    redis ? RedisTempRejectStore.layer({ url: redis.url, prefix: `${redis.prefix}tempreject:` }) : State.layerMemoryTempRejectStore,
    redis ? RedisTokenStore.layer({ url: redis.url, prefix: `${redis.prefix}classifier:` }) : State.layerMemoryTokenStore,
    FileListDocuments.layer(join(dataDir, "lists"))
  )
}
