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
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      slotsRefreshTimeout: connectTimeout,
      // Node addresses come from the cluster itself; with TLS they must not be re-resolved.
      ...(tls !== undefined ? { dnsLookup: (address, done) => done(null, address) } : {})
    }
    return new (ioredis().Cluster)(
      o.cluster.nodes.map((n) => ({ host: n.host, port: n.port })),
      options
    )
  }
  if (o.sentinel !== undefined) {
    const s = o.sentinel
    return new (ioredis().Redis)({
      ...node,
      sentinels: s.nodes.map((n) => ({ host: n.host, port: n.port })),
      name: s.masterName,
      failoverDetector: true,
      sentinelRetryStrategy: (times) => Math.min(100 * times, 2000),
      ...(s.username !== undefined ? { sentinelUsername: s.username } : {}),
      ...(s.password !== undefined ? { sentinelPassword: s.password } : {}),
      ...(tls !== undefined ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {})
    })
  }
  if (o.url === undefined) throw new Error("redis: a URL, sentinels or cluster nodes are needed")
  return new (ioredis().Redis)(o.url, node)
}
