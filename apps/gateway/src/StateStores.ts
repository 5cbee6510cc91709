/**
 * The state stores the configuration names, in one place for the gateway and the CLI:
 * embedded (memory records, files under `dataDir`) by default, Redis (`@mailmoat/redis`) with
 * `state.backend: redis`, keys under `state.keyPrefix` (default `mailmoat:`). `layer` gives the
 * engine's services (resolver, temporary-rejection records, learned counts, imported lists) as
 * one scoped layer: the Redis connections close with its scope.
 *
 * Every Redis store runs on the process's one connection for the configuration
 * (`RedisConnection.acquire`): each store holds a handle, and the connection closes with the last.
 *
 * **Gotchas**
 * - `stateSettings` reads the password and TLS files `state.redis` names; a file that cannot be
 *   read is a `ConfigError` naming the key (the gateway exits 2).
 *
 * @category constructors
 * @since 0.1.0
 */
import { ListStore, type Reputation } from "@mailmoat/antispam"
import {
  Dns,
  type DnsCacheStore,
  DnsService,
  type GatewayConfig,
  ListDocuments,
  type ListDocumentsShape,
  type QuarantineStoreShape,
  State,
  TempRejectStore,
  type TempRejectStoreShape,
  TokenStore,
  type TokenStoreShape
} from "@mailmoat/core"
import { FileListDocuments, FileQuarantineStore, NodeDns } from "@mailmoat/platform-node"
import {
  RedisConnection,
  RedisQuarantineStore,
  RedisReputationStore,
  RedisSettings,
  RedisTempRejectStore,
  RedisTokenStore
} from "@mailmoat/redis"
import { Effect, Layer } from "effect"
import { join } from "node:path"
import * as ClusterState from "./cluster/SharedState.ts"
import { ConfigError } from "./ConfigError.ts"

export interface StateSettings {
  readonly backend: "embedded" | "redis"
  /** How to reach Redis, secrets read; set when `backend` is `redis`. */
  readonly redis?: RedisConnection.RedisConnectionOptions | undefined
  /** `state.redis.waitReplicas`: replicas a quarantined message must reach. */
  readonly waitReplicas?: number | undefined
}

/** The `state` section resolved: files relative to `base`, the password variable from `env`. */
export const stateSettings = (
  state: GatewayConfig.StateConfig,
  base: string,
  env: Readonly<Record<string, string | undefined>> = process.env
): StateSettings => {
  try {
    return {
      backend: state.backend,
      redis: RedisSettings.fromConfig(state, { base, env }),
      waitReplicas: state.redis?.waitReplicas
    }
  } catch (error) {
    if (error instanceof RedisSettings.RedisConfigError) throw new ConfigError(error.problems)
    throw error
  }
}

const connectionOf = (state: StateSettings) =>
  state.backend === "redis" && state.redis !== undefined ? RedisConnection.acquire(state.redis) : undefined

/** Where the state lives, without secrets: `embedded`, or the Redis connection's description. */
export const describeState = (state: StateSettings): string =>
  state.backend === "redis" && state.redis !== undefined
    ? `${RedisConnection.describeOptions(state.redis)} (prefix ${state.redis.keyPrefix ?? "mailmoat:"})`
    : "embedded"

/**
 * The gateway's own handle on the Redis connection, held for the process's life, so the stores
 * (rebuilt on reload) always find it open, and its changes are logged: `redis_ready`,
 * `redis_restored`, `redis_lost` (once per outage), `redis_hung` (no replies; rebuilt).
 */
export const watchRedis = (
  state: StateSettings,
  log: {
    readonly info: (event: string, fields?: Record<string, string | number>) => void
    readonly warn: (event: string, fields?: Record<string, string | number>) => void
  }
): { readonly close: () => Promise<void> } => {
  const connection = connectionOf(state)
  if (connection === undefined) return { close: async () => {} }
  const redis = connection.describe
  const stop = connection.watch((e) => {
    if (e.type === "ready") log.info(e.restored ? "redis_restored" : "redis_ready", { redis })
    else if (e.type === "lost") log.warn("redis_lost", { redis, reason: e.reason })
    else log.warn("redis_hung", { redis, timeouts: e.timeouts })
  })
  return {
    close: async () => {
      stop()
      await connection.close()
    }
  }
}

/**
 * Shared temporary-rejection records: Redis, or in a multi-process gateway the primary's memory;
 * `undefined` = the engine's embedded memory store.
 */
export const tempRejectStore = (state: StateSettings): TempRejectStoreShape | undefined => {
  const connection = connectionOf(state)
  return connection ? RedisTempRejectStore.make(connection) : ClusterState.tempRejectStore()
}

/** Shared learned classifier counts (as above); `undefined` = memory, this process only. */
export const tokenStore = (state: StateSettings): TokenStoreShape | undefined => {
  const connection = connectionOf(state)
  return connection ? RedisTokenStore.make(connection) : ClusterState.tokenStore()
}

/**
 * Shared reputation counts (as above); `undefined` = this process's memory (the embedded shared
 * state's, kept across reloads).
 */
export const reputationStore = (state: StateSettings): Reputation.ReputationStoreShape | undefined => {
  const connection = connectionOf(state)
  return connection ? RedisReputationStore.make(connection) : ClusterState.reputationStore()
}

/** The quarantine: files under `path`, or Redis. */
export const quarantineStore = (path: string, state: StateSettings): QuarantineStoreShape => {
  const connection = connectionOf(state)
  return connection
    ? RedisQuarantineStore.make(connection, { waitReplicas: state.waitReplicas })
    : FileQuarantineStore.make({ root: path })
}

/** The imported lists (`mailmoat lists import`) under `<dataDir>/lists`. */
export const listStore = (dataDir: string): ListStore.ListStore =>
  ListStore.make(FileListDocuments.make(join(dataDir, "lists")))

export interface DnsCacheSettings {
  /**
   * `state.dnsCache`: TTL cap, negative TTL, REFUSED and SERVFAIL TTLs and local entries
   * (defaults 86400, 60, 60, 5, 10000).
   */
  readonly limits?:
    | {
        readonly maxTtlSeconds: number
        readonly negativeTtlSeconds: number
        readonly refusedTtlSeconds?: number | undefined
        readonly failureTtlSeconds?: number | undefined
        readonly localEntries: number
      }
    | undefined
  /** The fleet's cache (Redis), behind this process's memory. */
  readonly shared?: DnsCacheStore | undefined
}

/** `antispam.dns`: the resolvers to ask and which resolver asks them. */
export interface DnsSettings {
  readonly servers?: ReadonlyArray<string> | undefined
  readonly resolver?: NodeDns.ResolverKind | undefined
}

/**
 * The resolver on `antispam.dns.servers` (empty = the system resolvers) that `antispam.dns.resolver`
 * names, with a TTL cache: this process's memory, in front of the fleet's cache when there is one.
 */
export const resolver = (
  dns: DnsSettings | undefined,
  options: { readonly cache?: boolean } & DnsCacheSettings = {}
) => {
  const servers = dns?.servers
  if (options.cache === false) return NodeDns.make({ servers, resolver: dns?.resolver, cache: false })
  const limits = options.limits
  const local = limits?.localEntries === 0 ? undefined : Dns.makeMemoryStore(limits?.localEntries)
  const store =
    options.shared === undefined
      ? local
      : local === undefined
        ? options.shared
        : Dns.makeLayeredStore(local, options.shared)
  return NodeDns.make({
    servers,
    resolver: dns?.resolver,
    cache: {
      store,
      maxTtlSeconds: limits?.maxTtlSeconds,
      negativeTtlSeconds: limits?.negativeTtlSeconds,
      refusedTtlSeconds: limits?.refusedTtlSeconds,
      failureTtlSeconds: limits?.failureTtlSeconds
    }
  })
}

/** What the engine's stages and steps are given: every one a core service contract. */
export type EngineServices = DnsService | TempRejectStore | TokenStore | ListDocuments

/** A shared store held for the layer's life: closed (a Redis connection handle released) with the scope. */
const heldTempReject = (state: StateSettings): Layer.Layer<TempRejectStore> =>
  Layer.effect(
    TempRejectStore,
    Effect.acquireRelease(
      Effect.sync(() => tempRejectStore(state)!),
      (store) => Effect.promise(() => store.close())
    )
  )
const heldTokens = (state: StateSettings): Layer.Layer<TokenStore> =>
  Layer.effect(
    TokenStore,
    Effect.acquireRelease(
      Effect.sync(() => tokenStore(state)!),
      (store) => Effect.promise(() => store.close())
    )
  )

/**
 * The engine's services as the configuration picks them: the resolver on `antispam.dns.servers`
 * with its answer cache (memory, in front of the fleet's Redis cache with shared state),
 * temporary-rejection records and learned counts (memory, or Redis on the process's connection)
 * and the imported lists (files under `<dataDir>/lists`, or the shared copy kept from Redis).
 * Bad resolver addresses fail the layer.
 */
export const layer = (
  state: StateSettings,
  dataDir: string,
  dns: DnsSettings | undefined,
  shared: { readonly dnsCache?: DnsCacheSettings | undefined; readonly lists?: ListDocumentsShape | undefined } = {}
): Layer.Layer<EngineServices, Error> => {
  // Redis, or the primary's memory for a worker of the multi-process mode; else this process's.
  const held = (state.backend === "redis" && state.redis !== undefined) || ClusterState.inWorker()
  return Layer.mergeAll(
    Layer.effect(
      DnsService,
      // The resolver's sockets close with the layer.
      Effect.acquireRelease(
        Effect.try({
          try: () => resolver(dns, shared.dnsCache ?? {}),
          catch: (e) => (e instanceof Error ? e : new Error(String(e)))
        }),
        (r) => Effect.sync(r.close)
      )
    ),
    held ? heldTempReject(state) : State.layerMemoryTempRejectStore,
    held ? heldTokens(state) : State.layerMemoryTokenStore,
    shared.lists !== undefined
      ? Layer.succeed(ListDocuments, shared.lists)
      : FileListDocuments.layer(join(dataDir, "lists"))
  )
}
