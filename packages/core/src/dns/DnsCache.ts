/**
 * A TTL-honouring cache in front of any `Dns` implementation.
 *
 * The cache is an interface (`DnsCacheStore`) so several gateways can share one (a Redis store
 * implements the same three-method shape); `makeMemoryStore` is the embedded default.
 * Positive answers are kept for their TTL (capped by `maxTtlSeconds`); `NotFound` is kept for
 * `negativeTtlSeconds` (the Node resolver does not expose the SOA minimum). Temporary failures
 * (timeout, SERVFAIL, REFUSED) are never cached: the next message asks again.
 *
 * **Gotchas**
 * - A TTL of 0 is honoured: the answer is used for the current lookup only.
 * - Time comes from the Effect `Clock`, so tests can drive expiry with `TestClock`.
 *
 * @category services
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"
import { type DnsAnswer, DnsError, type DnsShape, type LookupOptions, normaliseName, type RecordType } from "./Dns.ts"

/** What is stored per key: a positive answer or a negative ("NotFound") one. */
export type CachedOutcome =
  | { readonly _tag: "Answer"; readonly answer: DnsAnswer }
  | { readonly _tag: "NotFound"; readonly detail?: string | undefined }

export interface CachedEntry {
  readonly outcome: CachedOutcome
  /** Epoch milliseconds after which the entry is stale. */
  readonly expiresAt: number
}

/** Storage for cached outcomes. Implementations must drop entries past `expiresAt` themselves or leave it to `get`'s caller. */
export interface DnsCacheStore {
  readonly get: (key: string) => Effect.Effect<CachedEntry | undefined>
  readonly set: (key: string, entry: CachedEntry) => Effect.Effect<void>
  readonly size: () => number
}

/** An in-memory store bounded to `maxEntries` (oldest inserted evicted first). */
export const makeMemoryStore = (maxEntries = 10_000): DnsCacheStore => {
  const map = new Map<string, CachedEntry>()
  return {
    get: (key) => Effect.sync(() => map.get(key)),
    set: (key, entry) =>
      Effect.sync(() => {
        map.delete(key)
        map.set(key, entry)
        while (map.size > maxEntries) {
          const oldest = map.keys().next()
          if (oldest.done) break
          map.delete(oldest.value)
        }
      }),
    size: () => map.size
  }
}

export interface CacheOptions {
  readonly store?: DnsCacheStore | undefined
  readonly negativeTtlSeconds?: number | undefined
  readonly maxTtlSeconds?: number | undefined
}

/** Wraps a Dns implementation with a cache; returns the same shape. */
export const withCache = (inner: DnsShape, options: CacheOptions = {}): DnsShape => {
  const store = options.store ?? makeMemoryStore()
  const negativeTtl = options.negativeTtlSeconds ?? 60
  const maxTtl = options.maxTtlSeconds ?? 86_400
  const resolve = (type: RecordType, name: string, lookup?: LookupOptions): Effect.Effect<DnsAnswer, DnsError> =>
    Effect.gen(function* () {
      const key = `${type} ${normaliseName(name)}`
      const now = yield* Clock.currentTimeMillis
      const hit = lookup?.fresh ? undefined : yield* store.get(key)
      if (hit !== undefined && hit.expiresAt > now) {
        if (hit.outcome._tag === "Answer") {
          const remaining = Math.max(0, Math.floor((hit.expiresAt - now) / 1000))
          return { records: hit.outcome.answer.records, ttlSeconds: remaining }
        }
        return yield* new DnsError({ reason: "NotFound", name, type, detail: hit.outcome.detail ?? "cached" })
      }
      return yield* inner.resolve(type, name, lookup).pipe(
        Effect.tap((answer) => {
          const ttl = Math.min(maxTtl, Math.max(0, answer.ttlSeconds))
          return ttl > 0 ? store.set(key, { outcome: { _tag: "Answer", answer }, expiresAt: now + ttl * 1000 }) : Effect.void
        }),
        Effect.tapError((error) =>
          error.reason === "NotFound" && negativeTtl > 0
            ? store.set(key, { outcome: { _tag: "NotFound", detail: error.detail }, expiresAt: now + negativeTtl * 1000 })
            : Effect.void
        )
      )
    })
  return { resolve }
}
