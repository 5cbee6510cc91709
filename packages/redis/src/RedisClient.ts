/**
 * The ioredis client for `RedisConnectionOptions`: a standalone server (URL), a master through
 * Sentinel, or a Cluster, with TLS and ACL credentials, and the settings every connection of
 * the process shares: no offline queue, no resend after a reconnect, no retry of a failed
 * command, reconnection for ever with a capped back-off. `RedisConnection` adds the deadlines.
 *
 * @since 0.1.0
 */
import type { Cluster, ClusterOptions, Redis, RedisOptions } from "ioredis"
import { createRequire } from "node:module"
import type { ConnectionOptions } from "node:tls"

// ioredis (CommonJS; ~10 MB resident with its dependencies) is loaded by the first client made:
// a gateway on the embedded state backend never loads it.
const require = createRequire(import.meta.url)
const ioredis = (): typeof import("ioredis") => require("ioredis")

export type RedisClient = Redis | Cluster

export interface HostPort {
  readonly host: string
  readonly port: number
}

/** TLS material already read from files (PEM text). */
export interface RedisTls {
  readonly ca?: string | undefined
  readonly cert?: string | undefined
  readonly key?: string | undefined
  readonly servername?: string | undefined
}

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; not with `sentinel` or `cluster`. */
  readonly url?: string | undefined
  readonly username?: string | undefined
  readonly password?: string | undefined
  /** TLS towards the servers (and the sentinels); a `rediss://` URL turns it on too. */
  readonly tls?: RedisTls | undefined
  readonly sentinel?:
    | {
        readonly masterName: string
        readonly nodes: ReadonlyArray<HostPort>
        readonly username?: string | undefined
        readonly password?: string | undefined
      }
    | undefined
  readonly cluster?: { readonly nodes: ReadonlyArray<HostPort> } | undefined
  /** Prefix of every key (default `mailmoat:`); see `RedisKeys`. */
  readonly keyPrefix?: string | undefined
  /** Deadline of one call (default 1000 ms). */
  readonly commandTimeoutMillis?: number | undefined
  /** Deadline of a (re)connection (default 2000 ms). */
  readonly connectTimeoutMillis?: number | undefined
}

const hidePassword = (url: string) => url.replace(/\/\/[^@/]*@/, "//***@")
const list = (nodes: ReadonlyArray<HostPort>) => nodes.map((n) => `${n.host}:${n.port}`).join(",")

export const describeOptions = (o: RedisConnectionOptions): string =>
  o.sentinel !== undefined
    ? `redis sentinel ${o.sentinel.masterName} via ${list(o.sentinel.nodes)}`
    : o.cluster !== undefined
      ? `redis cluster ${list(o.cluster.nodes)}`
      : `redis ${hidePassword(o.url ?? "")}`

const tlsOf = (o: RedisConnectionOptions): ConnectionOptions | undefined => {
  const wanted = o.tls !== undefined || o.url?.startsWith("rediss:") === true
  if (!wanted) return undefined
  const t = o.tls ?? {}
  return {
    ...(t.ca !== undefined ? { ca: t.ca } : {}),
    ...(t.cert !== undefined ? { cert: t.cert } : {}),
    ...(t.key !== undefined ? { key: t.key } : {}),
    ...(t.servername !== undefined ? { servername: t.servername } : {})
  }
}

/** The ioredis client for the options, connecting at once. */
export const clientOf = (o: RedisConnectionOptions, commandTimeout: number, connectTimeout: number): RedisClient => {
  const tls = tlsOf(o)
  const node: RedisOptions = {
    connectTimeout,
    commandTimeout,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Reconnect for ever with a capped backoff: the gateway recovers by itself when Redis returns.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    // A master demoted by a failover answers READONLY: reconnect (Sentinel then finds the new one).
    reconnectOnError: (error) => error.message.startsWith("READONLY"),
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(tls !== undefined ? { tls } : {})
  }
  if (o.cluster !== undefined) {
    const options: ClusterOptions = {
      redisOptions: node,
      enableOfflineQueue: false,
      // Connected below, once every node the cluster adds is guarded.
      lazyConnect: true,
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      slotsRefreshTimeout: connectTimeout,
      // Node addresses come from the cluster itself; with TLS they must not be re-resolved.
      ...(tls !== undefined ? { dnsLookup: (address, done) => done(null, address) } : {})
    }
    const cluster = new (ioredis().Cluster)(
      o.cluster.nodes.map((n) => ({ host: n.host, port: n.port })),
      options
    )
    return connectedClusterGuarded(cluster)
  }
  if (o.sentinel !== undefined) {
    const s = o.sentinel
    return connectedGuarded(
      new (ioredis().Redis)({
        ...node,
        lazyConnect: true,
        sentinels: s.nodes.map((n) => ({ host: n.host, port: n.port })),
        name: s.masterName,
        failoverDetector: true,
        sentinelRetryStrategy: (times) => Math.min(100 * times, 2000),
        ...(s.username !== undefined ? { sentinelUsername: s.username } : {}),
        ...(s.password !== undefined ? { sentinelPassword: s.password } : {}),
        ...(tls !== undefined ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {})
      })
    )
  }
  if (o.url === undefined) throw new Error("redis: a URL, sentinels or cluster nodes are needed")
  return connectedGuarded(new (ioredis().Redis)(o.url, { ...node, lazyConnect: true }))
}

/**
 * ioredis listens for a connection stream's errors with `once`, so a stream that fails twice
 * throws the second error at the process, with no listener, as an uncaught exception: a TLS
 * handshake refused on our side (a server certificate from an unknown CA) is followed by the
 * server's own alert (`tlsv1 alert decode error`) often enough to take the gateway down. Every
 * stream a client opens gets a listener of its own for as long as it lives; the first error still
 * reaches ioredis (and the client's `error` event), later ones of a stream it has already given
 * up are dropped. Applied before the client's first connection (clients are made with
 * `lazyConnect` and connected here), and again after each reconnection, which asks the same
 * connector for a new stream. docs/scale-out.md ("When Redis fails") says what is covered.
 */
export const guardStreamErrors = (client: Redis): void => {
  const connector = (client as unknown as { connector: StreamConnector }).connector
  const connect = connector.connect.bind(connector)
  connector.connect = (onEvent) =>
    connect(onEvent).then((stream) => {
      stream.on("error", ignoreLaterError)
      return stream
    })
}

interface StreamConnector {
  connect: (onEvent: (type: string, error?: unknown) => void) => Promise<NodeJS.ReadableStream & NodeJS.EventEmitter>
}

const ignoreLaterError = (): void => {}

/**
 * A second connection with the client's options (a subscriber), guarded and connected like the
 * client. ioredis's own `duplicate()` would copy `lazyConnect` and, with no offline queue, refuse
 * the first command instead of connecting.
 */
export const duplicateOf = (client: RedisClient): RedisClient => {
  if (isCluster(client)) return connectedClusterGuarded(client.duplicate(undefined, { lazyConnect: true }))
  return connectedGuarded(client.duplicate({ lazyConnect: true }))
}

/** A Redis Cluster client (commands on keys of different slots cannot share a pipeline). */
export const isCluster = (client: RedisClient): client is Cluster => (client as Cluster).isCluster === true

/** Starts the client's first connection; its failure is reported on the client's `error` event. */
const connected = <C extends RedisClient>(client: C): C => {
  client.connect().catch(ignoreLaterError)
  return client
}

const connectedGuarded = (client: Redis): Redis => {
  guardStreamErrors(client)
  return connected(client)
}

/**
 * A cluster's nodes are made lazily (ioredis connects a node on its first use), so each is
 * guarded as the cluster adds it, before its first stream exists.
 */
const connectedClusterGuarded = (cluster: Cluster): Cluster => {
  cluster.on("+node", (redis: Redis) => guardStreamErrors(redis))
  return connected(cluster)
}
