/**
 * Where temporary-rejection records live: embedded (memory) by default, Redis when several
 * gateways share state. Both implement the same four operations; values are JSON strings.
 *
 * The Redis store is built for failing open: no offline queue, one retry, short connect and
 * command timeouts (default 1000 ms), so an unreachable Redis costs one short error, never a
 * hanging SMTP reply (TESTING #40). Redis holds soft state only: losing it loses no mail.
 *
 * @category services
 * @since 0.1.0
 */
import { Redis } from "ioredis"

export interface RecordStore {
  readonly get: (key: string) => Promise<string | undefined>
  readonly set: (key: string, value: string, ttlSeconds: number) => Promise<void>
  readonly delete: (key: string) => Promise<void>
  /** Adds `member` to the set at `key` (refreshing its TTL) and returns the set's size. */
  readonly addToSet: (key: string, member: string, ttlSeconds: number) => Promise<number>
  readonly close: () => Promise<void>
  readonly describe: string
}

export const makeMemory = (now: () => number = Date.now): RecordStore => {
  const values = new Map<string, { value: string; expiresAt: number }>()
  const sets = new Map<string, { members: Set<string>; expiresAt: number }>()
  const live = <T extends { expiresAt: number }>(m: Map<string, T>, key: string) => {
    const e = m.get(key)
    if (e && e.expiresAt <= now()) {
      m.delete(key)
      return undefined
    }
    return e
  }
  return {
    describe: "memory",
    get: async (key) => live(values, key)?.value,
    set: async (key, value, ttl) => {
      values.set(key, { value, expiresAt: now() + ttl * 1000 })
    },
    delete: async (key) => {
      values.delete(key)
    },
    addToSet: async (key, member, ttl) => {
      const e = live(sets, key) ?? { members: new Set<string>(), expiresAt: 0 }
      e.members.add(member)
      e.expiresAt = now() + ttl * 1000
      sets.set(key, e)
      return e.members.size
    },
    close: async () => {}
  }
}

export interface RedisStoreOptions {
  readonly url: string
  /** Key prefix (default `mailmoat:tempreject:`). */
  readonly prefix?: string | undefined
  readonly timeoutMillis?: number | undefined
}

export const makeRedis = (options: RedisStoreOptions): RecordStore => {
  const prefix = options.prefix ?? "mailmoat:tempreject:"
  const timeout = options.timeoutMillis ?? 1000
  const client = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeout,
    commandTimeout: timeout,
    // Reconnect with capped backoff so a Redis restart is picked up without a thundering herd.
    retryStrategy: (times) => Math.min(200 * times, 2000)
  })
  client.on("error", () => {}) // errors surface per command; the module logs and counts them
  // Without the offline queue a command sent while the client is still making its first connection
  // fails at once, so the first message after start would fail open. Wait for that connection, up
  // to the timeout; a Redis that went away (reconnecting) fails fast instead, so mail never waits.
  const connected = (): Promise<void> =>
    client.status !== "wait" && client.status !== "connecting" && client.status !== "connect"
      ? Promise.resolve()
      : new Promise((resolve) => {
          const done = () => {
            clearTimeout(timer)
            client.off("ready", done)
            resolve()
          }
          const timer = setTimeout(done, timeout)
          client.once("ready", done)
        })
  return {
    describe: `redis ${options.url.replace(/\/\/[^@]*@/, "//***@")}`,
    get: async (key) => {
      await connected()
      return (await client.get(prefix + key)) ?? undefined
    },
    set: async (key, value, ttl) => {
      await connected()
      await client.set(prefix + key, value, "EX", Math.max(1, Math.ceil(ttl)))
    },
    delete: async (key) => {
      await connected()
      await client.del(prefix + key)
    },
    addToSet: async (key, member, ttl) => {
      await connected()
      const k = prefix + key
      const res = await client.multi().sadd(k, member).expire(k, Math.max(1, Math.ceil(ttl))).scard(k).exec()
      const card = res?.[2]?.[1]
      if (typeof card !== "number") throw new Error("redis: SCARD failed")
      return card
    },
    close: async () => {
      client.disconnect()
    }
  }
}
