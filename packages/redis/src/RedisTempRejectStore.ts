/**
 * Temporary-rejection records in Redis, shared by every gateway pointing at the same server, so
 * a retry that lands on another node is recognised.
 *
 * Built for failing open: every call runs through the connection's deadlines (`RedisConnection`),
 * so an unreachable or paused Redis costs one short error, never a hanging SMTP reply.
 * Redis holds soft state only: losing it loses no mail.
 *
 * Times in records come from Redis's clock (`TIME`), so gateways whose clocks disagree judge a
 * retry's period alike: a record written by one node and read by another compares two readings of
 * the same clock.
 *
 * @category services
 * @since 0.1.0
 */
import { TempRejectStore, type TempRejectStoreShape } from "@mailmoat/core"
import { Effect, Layer } from "effect"
import { acquire, type RedisConnection, type RedisConnectionOptions } from "./RedisConnection.ts"
import { key as keyOf } from "./RedisKeys.ts"

/** The store on `connection` (keys `<prefix>tempreject:<key>`); `close` closes that connection handle. */
export const make = (connection: RedisConnection): TempRejectStoreShape => {
  const k = (key: string) => keyOf(connection.keyPrefix, "tempreject", key)
  const ttlOf = (ttl: number) => Math.max(1, Math.ceil(ttl))
  return {
    describe: connection.describe,
    get: async (key) => (await connection.call("reading a record", (c) => c.get(k(key)))) ?? undefined,
    set: async (key, value, ttl) => {
      await connection.call("writing a record", (c) => c.set(k(key), value, "EX", ttlOf(ttl)))
    },
    delete: async (key) => {
      await connection.call("deleting a record", (c) => c.del(k(key)))
    },
    // One key, so the MULTI is fine on a Cluster.
    addToSet: async (key, member, ttl) => {
      const res = await connection.call("adding to a set", (c) =>
        c.multi().sadd(k(key), member).expire(k(key), ttlOf(ttl)).scard(k(key)).exec()
      )
      const card = res?.[2]?.[1]
      if (typeof card !== "number") throw new Error(`${connection.describe}: SCARD failed`)
      return card
    },
    now: async () => {
      const [seconds, micros] = await connection.call("reading the server's clock", (c) => c.time())
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    },
    close: () => connection.close()
  }
}

/** The store as the `TempRejectStore` service, on the process's shared connection for `options`. */
export const layer = (options: RedisConnectionOptions): Layer.Layer<TempRejectStore> =>
  Layer.effect(
    TempRejectStore,
    Effect.acquireRelease(
      Effect.sync(() => make(acquire(options))),
      (store) => Effect.promise(() => store.close())
    )
  )
