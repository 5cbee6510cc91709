/**
 * AUTH failure limiting across connections, per client address and per user name: each failure
 * makes the 535 reply wait longer (doubling from `baseDelayMs` up to `maxDelayMs`), and
 * `maxFailures` failures within `windowMs` lock that address or user name out for `lockoutMs`
 * (454 4.7.0, without asking the account check at all, so a right password is refused too).
 *
 * **Gotchas**
 * - A success clears the user name's count, not the address's: one valid account must not let an
 *   address keep guessing other accounts' passwords.
 * - The store may be remote and fail: then the attempt goes through unlimited (fail open, like
 *   the other shared-state limits) and the error is reported through `onStoreError`.
 * - User names are compared case-insensitively.
 *
 * @category services
 * @since 0.1.0
 */
import type { AuthFailureStore } from "./AuthFailureStore.ts"

export interface AuthLimitOptions {
  readonly store: AuthFailureStore
  /** Failures within `windowMs` that trigger a lockout (per address and per user name). */
  readonly maxFailures: number
  readonly windowMs: number
  readonly lockoutMs: number
  /** Delay of the reply to the first failure; doubled for each further one. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly onStoreError?: (error: unknown) => void
}

const keysOf = (ip: string, username: string): readonly [string, string] => [
  `ip:${ip}`,
  `user:${username.toLowerCase()}`
]

export class AuthLimiter {
  constructor(private readonly options: AuthLimitOptions) {}

  /** True when this address or user name is locked out now. */
  async locked(ip: string, username: string, now = Date.now()): Promise<boolean> {
    try {
      const until = await Promise.all(keysOf(ip, username).map((k) => this.options.store.lockedUntil(k, now)))
      return until.some((u) => u > now)
    } catch (error) {
      this.options.onStoreError?.(error)
      return false
    }
  }

  /** Records a failure; returns how long to wait before answering it (ms). */
  async failed(ip: string, username: string, now = Date.now()): Promise<number> {
    const o = this.options
    try {
      const keys = keysOf(ip, username)
      const counts = await Promise.all(keys.map((k) => o.store.addFailure(k, now, o.windowMs)))
      await Promise.all(
        keys.filter((_, i) => counts[i]! >= o.maxFailures).map((k) => o.store.lock(k, now + o.lockoutMs))
      )
      const n = Math.max(...counts)
      return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(30, n - 1))
    } catch (error) {
      o.onStoreError?.(error)
      return o.baseDelayMs
    }
  }

  async succeeded(username: string): Promise<void> {
    try {
      await this.options.store.clear(`user:${username.toLowerCase()}`)
    } catch (error) {
      this.options.onStoreError?.(error)
    }
  }
}
