/**
 * AUTH failure counts and lockouts in Redis, shared by every gateway of a fleet: a brute-forcer
 * spreading its guesses over N nodes is locked out after the configured number of failures in
 * total, not N times that. It implements the SMTP listener's `AuthFailureStore` contract
 * (`@mailmoat/protocols`) by shape, so this package needs no dependency on the protocols.
 *
 * Keys per counted subject (`ip:<address>` or `user:<name>`), under one hash tag:
 * `{<prefix>limits:auth:<subject>}:fails` (INCR + PEXPIRE in one script, the window starting with
 * the first failure) and `...:lock` (the epoch ms the lockout ends, expiring then).
 *
 * **Gotchas**
 * - The lockout end is written with the locking node's clock and compared with the reading
 *   node's: nodes should run NTP. The key's own expiry (Redis's clock) still ends it.
 * - Failures reject (`RedisDeadlineError` after `timeoutMillis`); the AUTH limiter then lets the
 *   attempt through (fail open) and logs.
 *
 * @category services
 * @since 0.1.0
 */
import { callWithin, type RedisClient } from "./Deadline.ts"
import { HIT_SCRIPT } from "./RedisRateCounter.ts"

export interface RedisAuthFailureOptions {
  readonly client: RedisClient
  /** Key prefix (`state.keyPrefix`, default `mailmoat:`). */
  readonly prefix?: string | undefined
  /** Deadline of each call (ms, default 500). */
  readonly timeoutMillis?: number | undefined
}

/** KEYS[1]: the lock; ARGV[1]: its end (epoch ms); ARGV[2]: ms from now. Only ever extends a lock. */
const LOCK_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`

export interface RedisAuthFailureStore {
  addFailure(key: string, now: number, windowMs: number): Promise<number>
  lock(key: string, until: number): Promise<void>
  lockedUntil(key: string, now: number): Promise<number>
  clear(key: string): Promise<void>
}

export const make = (options: RedisAuthFailureOptions): RedisAuthFailureStore => {
  const { client } = options
  const prefix = options.prefix ?? "mailmoat:"
  const timeout = options.timeoutMillis ?? 500
  const keys = (subject: string) => {
    const stem = `{${prefix}limits:auth:${subject.replace(/[{}]/g, "_")}}`
    return { fails: `${stem}:fails`, lock: `${stem}:lock` }
  }
  return {
    addFailure: async (key, _now, windowMs) => {
      const n = await callWithin(client, "auth addFailure", timeout, () =>
        client.eval(HIT_SCRIPT, 1, keys(key).fails, String(Math.max(1, Math.ceil(windowMs))))
      )
      const count = Array.isArray(n) ? n[0] : undefined
      if (typeof count !== "number") throw new Error("redis auth addFailure: unexpected reply")
      return count
    },
    lock: async (key, until) => {
      const ms = Math.max(1, Math.ceil(until - Date.now()))
      await callWithin(client, "auth lock", timeout, () =>
        client.eval(LOCK_SCRIPT, 1, keys(key).lock, String(Math.floor(until)), String(ms))
      )
    },
    lockedUntil: async (key, now) => {
      const v = await callWithin(client, "auth lockedUntil", timeout, () => client.get(keys(key).lock))
      const until = Number(v ?? 0)
      return Number.isFinite(until) && until > now ? until : 0
    },
    clear: async (key) => {
      const k = keys(key)
      await callWithin(client, "auth clear", timeout, () => client.del(k.fails, k.lock))
    }
  }
}
