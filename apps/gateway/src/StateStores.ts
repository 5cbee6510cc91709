/**
 * The state stores the configuration names, in one place for the gateway and the CLI:
 * embedded (memory records, files under `dataDir`) by default, Redis (`@mailmoat/redis`) with
 * `state.backend: redis`, keys under `state.keyPrefix` (default `mailmoat:`).
 *
 * @category constructors
 * @since 0.1.0
 */
import { ListStore } from "@mailmoat/antispam"
import type { QuarantineStoreShape, TempRejectStoreShape, TokenStoreShape } from "@mailmoat/core"
import { FileListDocuments, FileQuarantineStore, NodeDns } from "@mailmoat/platform-node"
import { RedisQuarantineStore, RedisTempRejectStore, RedisTokenStore } from "@mailmoat/redis"
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
