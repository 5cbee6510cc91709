/**
 * Where AUTH failures are counted: a small contract so several gateways can share the counts
 * (a Redis implementation: INCR + PEXPIRE for `addFailure`, SET PX for `lock`), and the in-memory
 * implementation used by a single gateway.
 *
 * **Gotchas**
 * - The memory store is bounded (`maxKeys`): an attacker cycling through addresses or user names
 *   evicts the oldest entries instead of growing the heap. Eviction can only forget failures,
 *   never invent a lockout.
 * - Times are passed in (`now`), so the store holds no clock of its own.
 *
 * @category models
 * @since 0.1.0
 */

export interface AuthFailureStore {
  /** Adds one failure to `key`; the count restarts once `windowMs` has passed since its first failure. Returns the count. */
  addFailure(key: string, now: number, windowMs: number): Promise<number>
  /** Refuses `key` until `until` (epoch ms). */
  lock(key: string, until: number): Promise<void>
  /** Epoch ms until which `key` is locked, or 0. */
  lockedUntil(key: string, now: number): Promise<number>
  /** Forgets the failures of `key` (after a successful login). */
  clear(key: string): Promise<void>
}

interface Entry {
  failures: number
  windowEnds: number
  lockedUntil: number
}

export class MemoryAuthFailureStore implements AuthFailureStore {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly maxKeys = 100_000) {}

  private entry(key: string, now: number): Entry {
    let e = this.entries.get(key)
    if (e !== undefined && e.windowEnds <= now && e.lockedUntil <= now) {
      this.entries.delete(key)
      e = undefined
    }
    if (e === undefined) {
      if (this.entries.size >= this.maxKeys) {
        const oldest = this.entries.keys().next()
        if (!oldest.done) this.entries.delete(oldest.value)
      }
      e = { failures: 0, windowEnds: 0, lockedUntil: 0 }
      this.entries.set(key, e)
    }
    return e
  }

  async addFailure(key: string, now: number, windowMs: number): Promise<number> {
    const e = this.entry(key, now)
    if (e.windowEnds <= now) {
      e.failures = 0
      e.windowEnds = now + windowMs
    }
    e.failures++
    return e.failures
  }

  async lock(key: string, until: number): Promise<void> {
    const e = this.entries.get(key)
    if (e !== undefined) e.lockedUntil = Math.max(e.lockedUntil, until)
    else this.entry(key, 0).lockedUntil = until
  }

  async lockedUntil(key: string, now: number): Promise<number> {
    const until = this.entries.get(key)?.lockedUntil ?? 0
    return until > now ? until : 0
  }

  async clear(key: string): Promise<void> {
    this.entries.delete(key)
  }

  /** Keys held (for tests). */
  get size(): number {
    return this.entries.size
  }
}
