/**
 * Where temporary-rejection records live: embedded (memory, here) by default, Redis
 * (`@mailmoat/redis`) when several gateways share state. Both implement the same four
 * operations; values are JSON strings. Implementations fail fast rather than hang: the
 * temporary-rejection step treats a failing store as "no record" (fail open).
 *
 * @category services
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"

export interface TempRejectStoreShape {
  readonly get: (key: string) => Promise<string | undefined>
  readonly set: (key: string, value: string, ttlSeconds: number) => Promise<void>
  readonly delete: (key: string) => Promise<void>
  /** Adds `member` to the set at `key` (refreshing its TTL) and returns the set's size. */
  readonly addToSet: (key: string, member: string, ttlSeconds: number) => Promise<number>
  readonly close: () => Promise<void>
  readonly describe: string
  /**
   * The store's own clock (ms since the epoch), when records are shared by nodes whose clocks
   * may disagree: the period is then judged by one clock, whichever node sees the retry. Absent
   * (the embedded store), the gateway's clock is used.
   */
  readonly now?: (() => Promise<number>) | undefined
}

/** `now` is the wall clock records expire by (the layer reads the building fiber's `Clock`). */
export const makeMemory = (now: () => number): TempRejectStoreShape => {
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

/** The store as an Effect service; the composition root picks memory or Redis. */
export class TempRejectStore extends Context.Service<TempRejectStore, TempRejectStoreShape>()(
  "@mailmoat/core/TempRejectStore"
) {}

export const layerMemory: Layer.Layer<TempRejectStore> = Layer.effect(
  TempRejectStore,
  Effect.clockWith((clock) => Effect.succeed(makeMemory(() => clock.currentTimeMillisUnsafe())))
)
