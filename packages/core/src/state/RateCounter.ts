/**
 * Event counters in fixed windows, for rate limits (connections and messages per client address
 * and per network): embedded (memory, here) by default, Redis (`@mailmoat/redis`) when several
 * gateways must count together, so a client spreading its attempts over N nodes meets the limit
 * once, not N times.
 *
 * `hit(group, names, windowMs)` adds one event to each counter `names` of `group` at once and
 * returns each count in its current window. A counter's window starts with its first event and
 * lasts `windowMs`; the next event after it starts a new window at 1.
 *
 * **Gotchas**
 * - The counters of one `hit` are updated together (one Redis script), so a group is what lives in
 *   one Cluster hash slot: group by what the counters share (the client's network), not by kind.
 * - Implementations may fail (a remote store): the caller decides what that means (the rate
 *   limits fail open).
 * - The memory store is bounded: past `maxKeys` the oldest keys are forgotten, which can only
 *   lower a count, never invent one.
 *
 * @category services
 * @since 0.1.0
 */
import { Context, Layer } from "effect"

export interface RateCounterShape {
  /**
   * Adds one event to each counter `names` of `group`; returns the counts in the same order, at
   * once when they are in memory, else as a promise (a remote store).
   */
  readonly hit: (
    group: string,
    names: ReadonlyArray<string>,
    windowMs: number
  ) => ReadonlyArray<number> | Promise<ReadonlyArray<number>>
  readonly describe: string
}

/** @category services */
export class RateCounter extends Context.Service<RateCounter, RateCounterShape>()("@mailmoat/core/RateCounter") {}

/** @category constructors */
export const makeMemory = (
  options: { readonly now?: () => number; readonly maxKeys?: number } = {}
): RateCounterShape => {
  const now = options.now ?? Date.now
  const maxKeys = options.maxKeys ?? 100_000
  const windows = new Map<string, { count: number; endsAt: number }>()
  const hitOne = (key: string, windowMs: number, at: number): number => {
    const w = windows.get(key)
    if (w !== undefined && w.endsAt > at) return ++w.count
    windows.delete(key)
    while (windows.size >= maxKeys) {
      const oldest = windows.keys().next()
      if (oldest.done) break
      windows.delete(oldest.value)
    }
    windows.set(key, { count: 1, endsAt: at + windowMs })
    return 1
  }
  return {
    describe: "memory",
    hit: (group, names, windowMs) => {
      const at = now()
      return names.map((name) => hitOne(`${group}\u0000${name}`, windowMs, at))
    }
  }
}

/** @category layers */
export const layerMemory: Layer.Layer<RateCounter> = Layer.sync(RateCounter, () => makeMemory())
