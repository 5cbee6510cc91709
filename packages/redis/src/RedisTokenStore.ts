/**
 * Learned token counts in Redis, shared by every gateway pointing at the same server.
 *
 * Layout under `prefix` (default `mailmoat:classifier:`): hash `ham` and hash `spam`
 * (token -> count), hash `totals` (fields `ham`, `spam`). Learning is one MULTI of HINCRBYs,
 * so concurrent learners never lose an update; lookup is two HMGETs and one HMGET of totals.
 * Connection options follow the temporary-rejection store: no offline queue, short timeouts, so an unreachable
 * Redis fails the call quickly instead of stalling a message (the stage then scores with the
 * shipped model alone).
 *
 * @category services
 * @since 0.1.0
 */
import { TokenStore, type TokenStoreShape } from "@mailmoat/core"
import { Effect, Layer } from "effect"
import { Redis } from "ioredis"

export interface RedisTokenStoreOptions {
  readonly url: string
  readonly prefix?: string | undefined
  readonly timeoutMillis?: number | undefined
}

const count = (v: string | null | undefined): number => {
  const n = Number(v ?? 0)
  return Number.isFinite(n) && n > 0 ? n : 0
}

export const make = (options: RedisTokenStoreOptions): TokenStoreShape => {
  const prefix = options.prefix ?? "mailmoat:classifier:"
  const timeout = options.timeoutMillis ?? 1000
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeout,
    commandTimeout: timeout,
    retryStrategy: (times) => Math.min(200 * times, 2000)
  })
  client.on("error", () => {}) // surfaced per command
  const ready = new Promise<void>((resolve) => {
    if (client.status === "ready") resolve()
    else client.once("ready", () => resolve())
    setTimeout(resolve, timeout).unref?.()
  })
  const keys = { ham: `${prefix}ham`, spam: `${prefix}spam`, totals: `${prefix}totals` }
  return {
    describe: `redis ${options.url.replace(/\/\/[^@]*@/, "//***@")}`,
    lookup: async (tokens) => {
      await ready
      const list = [...new Set(tokens)]
      const [totals, ham, spam] = await Promise.all([
        client.hmget(keys.totals, "ham", "spam"),
        list.length > 0 ? client.hmget(keys.ham, ...list) : Promise.resolve([]),
        list.length > 0 ? client.hmget(keys.spam, ...list) : Promise.resolve([])
      ])
      const counts = new Map<string, readonly [number, number]>()
      list.forEach((t, i) => {
        const h = count(ham[i])
        const s = count(spam[i])
        if (h > 0 || s > 0) counts.set(t, [h, s])
      })
      return { nham: count(totals[0]), nspam: count(totals[1]), counts }
    },
    add: async (tokens, label, delta) => {
      await ready
      const key = keys[label]
      const multi = client.multi().hincrby(keys.totals, label, delta)
      for (const t of new Set(tokens)) multi.hincrby(key, t, delta)
      const res = await multi.exec()
      const failed = res?.find(([e]) => e)
      if (!res || failed) throw new Error(`redis: learning failed${failed ? `: ${failed[0]?.message}` : ""}`)
    },
    close: async () => {
      client.disconnect()
    }
  }
}

/** The Redis store as the `TokenStore` service, disconnected when the scope closes. */
export const layer = (options: RedisTokenStoreOptions): Layer.Layer<TokenStore> =>
  Layer.effect(
    TokenStore,
    Effect.acquireRelease(
      Effect.sync(() => make(options)),
      (store) => Effect.promise(() => store.close())
    )
  )
