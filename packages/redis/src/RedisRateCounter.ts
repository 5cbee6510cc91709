/**
 * Rate-limit counters in Redis, counted together by every gateway of a fleet: a client that
 * spreads connections or messages over N nodes meets each limit once, not N times.
 *
 * The counters of one group live under one hash tag, `{<prefix>limits:<group>}:<name>`, and a
 * `hit` is one Lua script (INCR, and PEXPIRE when the window starts), so it is atomic and
 * Cluster-safe. Fixed windows: a counter's window starts with its first event.
 *
 * **Gotchas**
 * - A counter found without an expiry (written by hand or by an interrupted older version) gets
 *   one on the next hit, so nothing counts forever.
 * - Failures reject (`RedisDeadlineError` after `timeoutMillis`); the rate limits fail open.
 *
 * @category services
 * @since 0.1.0
 */
import type { RateCounterShape } from "@mailmoat/core"
import { callWithin, type RedisClient } from "./Deadline.ts"

export interface RedisRateCounterOptions {
  readonly client: RedisClient
  /** Key prefix (`state.keyPrefix`, default `mailmoat:`). */
  readonly prefix?: string | undefined
  /** Deadline of each call (ms, default 500). */
  readonly timeoutMillis?: number | undefined
}

/** KEYS: the counters; ARGV[1]: the window in ms. Returns the counts. */
export const HIT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 or redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[1]) end
  out[i] = n
end
return out`

/** The counters of a group under one hash tag (braces in a group would break the tag: replaced). */
export const counterKeys = (prefix: string, group: string, names: ReadonlyArray<string>): ReadonlyArray<string> => {
  const stem = `{${prefix}limits:${group.replace(/[{}]/g, "_")}}`
  return names.map((n) => `${stem}:${n}`)
}

export const make = (options: RedisRateCounterOptions): RateCounterShape => {
  const { client } = options
  const prefix = options.prefix ?? "mailmoat:"
  const timeout = options.timeoutMillis ?? 500
  return {
    describe: "redis",
    hit: async (group, names, windowMs) => {
      if (names.length === 0) return []
      const keys = counterKeys(prefix, group, names)
      const window = String(Math.max(1, Math.ceil(windowMs)))
      const counts = await callWithin(client, "limits hit", timeout, () =>
        client.eval(HIT_SCRIPT, keys.length, ...keys, window)
      )
      if (!Array.isArray(counts) || counts.length !== names.length || !counts.every((n) => typeof n === "number"))
        throw new Error("redis limits hit: unexpected reply")
      return counts as ReadonlyArray<number>
    }
  }
}
