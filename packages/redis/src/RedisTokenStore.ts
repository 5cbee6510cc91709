/**
 * Learned token counts in Redis, shared by every gateway pointing at the same server.
 *
 * Layout under the stem `{<prefix>classifier}` (one Cluster hash slot): hash `:ham` and hash
 * `:spam` (token -> count), hash `:totals` (fields `ham`, `spam`). Learning is one MULTI of
 * HINCRBYs, so concurrent learners never lose an update; lookup is two HMGETs and one HMGET of
 * totals. Auto-learning's hourly slots are counters `:slots:<label>:<hour>` (INCR, expiring two
 * hours after the last slot taken), so the cap holds for the fleet, not for each gateway. Calls run within the connection's deadlines, so an unreachable Redis fails the call
 * quickly instead of stalling a message (the stage then scores with the shipped model alone).
 *
 * @category services
 * @since 0.1.0
 */
import { TokenStore, type TokenStoreShape } from "@mailmoat/core"
import { Effect, Layer } from "effect"
import { acquire, type RedisConnection, type RedisConnectionOptions } from "./RedisConnection.ts"
import { tagged } from "./RedisKeys.ts"

const count = (v: string | null | undefined): number => {
  const n = Number(v ?? 0)
  return Number.isFinite(n) && n > 0 ? n : 0
}

/** An hour's slot counter outlives its hour: a learner whose clock is late still finds it. */
const SLOT_TTL_SECONDS = 7200

/** The store on `connection`; `close` closes that connection handle. */
export const make = (connection: RedisConnection): TokenStoreShape => {
  // One hash tag: learning is one MULTI over totals and a count hash, which a Cluster runs only within one slot.
  const stem = tagged(connection.keyPrefix, "classifier")
  const keys = { ham: `${stem}:ham`, spam: `${stem}:spam`, totals: `${stem}:totals` }
  return {
    describe: connection.describe,
    lookup: async (tokens) => {
      const list = [...new Set(tokens)]
      const [totals, ham, spam] = await connection.call("reading learned counts", (c) =>
        Promise.all([
          c.hmget(keys.totals, "ham", "spam"),
          list.length > 0 ? c.hmget(keys.ham, ...list) : Promise.resolve([]),
          list.length > 0 ? c.hmget(keys.spam, ...list) : Promise.resolve([])
        ])
      )
      const counts = new Map<string, readonly [number, number]>()
      list.forEach((t, i) => {
        const h = count(ham[i])
        const s = count(spam[i])
        if (h > 0 || s > 0) counts.set(t, [h, s])
      })
      return { nham: count(totals[0]), nspam: count(totals[1]), counts }
    },
    add: async (tokens, label, delta) => {
      const key = keys[label]
      const res = await connection.call("learning", (c) => {
        const multi = c.multi().hincrby(keys.totals, label, delta)
        for (const t of new Set(tokens)) multi.hincrby(key, t, delta)
        return multi.exec()
      })
      const failed = res?.find(([e]) => e)
      if (!res || failed)
        throw new Error(`${connection.describe}: learning failed${failed ? `: ${failed[0]?.message}` : ""}`)
    },
    takeLearnSlot: async (label, hour, max) => {
      const key = `${stem}:slots:${label}:${hour}`
      const res = await connection.call("taking an auto-learning slot", (c) =>
        c.multi().incr(key).expire(key, SLOT_TTL_SECONDS).exec()
      )
      const failed = res?.find(([e]) => e)
      if (!res || failed)
        throw new Error(
          `${connection.describe}: taking a learning slot failed${failed ? `: ${failed[0]?.message}` : ""}`
        )
      return Number(res[0]?.[1]) <= max
    },
    close: () => connection.close()
  }
}

/** The store as the `TokenStore` service, on the process's shared connection for `options`. */
export const layer = (options: RedisConnectionOptions): Layer.Layer<TokenStore> =>
  Layer.effect(
    TokenStore,
    Effect.acquireRelease(
      Effect.sync(() => make(acquire(options))),
      (store) => Effect.promise(() => store.close())
    )
  )
