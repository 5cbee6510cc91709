/**
 * Temporary-rejection records in Redis, shared by every gateway pointing at the same server, so
 * a retry that lands on another node is recognised.
 *
 * Built for failing open: no offline queue, one retry, short connect and command timeouts
 * (default 1000 ms), so an unreachable Redis costs one short error, never a hanging SMTP reply.
 * Redis holds soft state only: losing it loses no mail.
 *
 * @category services
 * @since 0.1.0
 */
import { TempRejectStore, type TempRejectStoreShape } from "@mailmoat/core"
import { Effect, Layer } from "effect"
import { Redis } from "ioredis"

export interface RedisTempRejectOptions {
  readonly url: string
  /** Key prefix (default `mailmoat:tempreject:`). */
  readonly prefix?: string | undefined
  readonly timeoutMillis?: number | undefined
}

export const make = (options: RedisTempRejectOptions): TempRejectStoreShape => {
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

/** The Redis store as the `TempRejectStore` service, disconnected when the scope closes. */
export const layer = (options: RedisTempRejectOptions): Layer.Layer<TempRejectStore> =>
  Layer.effect(
    TempRejectStore,
    Effect.acquireRelease(
      Effect.sync(() => make(options)),
      (store) => Effect.promise(() => store.close())
    )
  )
