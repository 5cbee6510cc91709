/**
 * A TTL-honouring cache in front of any `Dns` implementation.
 *
 * The cache is an interface (`DnsCacheStore`) so several gateways can share one (a Redis store
 * implements the same three-method shape); `makeMemoryStore` is the embedded default.
 * Positive answers are kept for their TTL (capped by `maxTtlSeconds`); `NotFound` is kept for
 * `negativeTtlSeconds` (the Node resolver does not expose the SOA minimum). A server's failure is
 * kept too (RFC 2308 §7.1 allows it for up to five minutes, the most either option is cut to), so
 * a burst of messages asking a name the resolver will not answer asks it once, not once per
 * message: SERVFAIL for `failureTtlSeconds` (default 5 s: often a passing fault upstream),
 * REFUSED for `refusedTtlSeconds` (default 60 s: the server's policy for that name, which a
 * retry seconds later does not change; a resolver that serves only its own zones, such as a
 * local rbldnsd, refuses every SPF, DMARC and PTR question). A timeout is never cached (the next
 * message asks again). A cached failure stays a failure: never "not found", never "not listed".
 *
 * **Gotchas**
 * - A TTL of 0 is honoured: the answer is used for the current lookup only.
 * - An answer the store keeps in this process's memory (`DnsCacheStore.peek`) is handed out
 *   without going through the store's Effect, and `peek` gives it to callers outside the runtime.
 * - Time comes from the Effect `Clock`, so tests can drive expiry with `TestClock`.
 * - A question that is not answered from the cache is shared while in flight (`InFlight.ts`):
 *   concurrent lookups of the same name and type ask the inner resolver once, each within its
 *   own deadline; only a lookup with a deadline and without `fresh` joins one.
 *
 * @category services
 * @since 0.1.0
 */
import { Effect } from "effect"
import { trimOldest } from "../BoundedMap.ts"
import * as Dns from "./Dns.ts"
import * as InFlight from "./InFlight.ts"
import {
  type DnsAnswer,
  type DnsError,
  type DnsOutcome,
  type DnsShape,
  type LookupOptions,
  normaliseName,
  type RecordType
} from "./Dns.ts"

/** What is stored per key: a positive answer or a negative ("NotFound") one. */
export type CachedOutcome =
  | { readonly _tag: "Answer"; readonly answer: DnsAnswer }
  | { readonly _tag: "NotFound"; readonly detail?: string | undefined }
  | { readonly _tag: "Failure"; readonly reason: "ServerFailure" | "Refused"; readonly detail?: string | undefined }

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
  /**
   * What `get` would give from this process's memory, synchronously; undefined when this store
   * keeps nothing locally for `key` (a shared store may still have it: ask `get`). Optional.
   */
  readonly peek?: ((key: string) => CachedEntry | undefined) | undefined
}

/** The longest a server failure may be cached (RFC 2308 §7.1: five minutes). */
export const MAX_FAILURE_TTL_SECONDS = 300

/** One question to the resolver under `key` (the cache's key of `type` and `name`), at `now`. */
type Ask = (
  type: RecordType,
  name: string,
  options: LookupOptions | undefined,
  key: string,
  now: number
) => Effect.Effect<DnsOutcome, DnsError>

/**
 * An in-memory store bounded to `maxEntries`, oldest inserted evicted first: when it is full, the
 * oldest sixteenth goes at once (`BoundedMap.trimOldest`: one entry per insert cost ~15-30 µs an
 * insert at 10,000 entries, each new name of mail from new senders).
 */
export const makeMemoryStore = (maxEntries = 10_000): DnsCacheStore => {
  const map = new Map<string, CachedEntry>()
  return {
    get: (key) => Effect.sync(() => map.get(key)),
    peek: (key) => map.get(key),
    set: (key, entry) =>
      Effect.sync(() => {
        map.delete(key)
        map.set(key, entry)
        trimOldest(map, maxEntries)
      }),
    size: () => map.size
  }
}

export interface CacheOptions {
  readonly store?: DnsCacheStore | undefined
  readonly negativeTtlSeconds?: number | undefined
  readonly maxTtlSeconds?: number | undefined
  /** How long SERVFAIL is kept (default 5; 0 = never; at most 300, RFC 2308 §7.1). */
  readonly failureTtlSeconds?: number | undefined
  /** How long REFUSED is kept (default 60; 0 = never; at most 300, RFC 2308 §7.1). */
  readonly refusedTtlSeconds?: number | undefined
  /** Questions shared while in flight (default 10,000; beyond, a lookup asks for itself). */
  readonly maxPending?: number | undefined
}

/** A cached resolver: the `Dns` shape, and how many questions are in flight now. */
export interface CachedDns extends DnsShape {
  readonly pending: () => number
}

/** Wraps a Dns implementation with a cache; returns the same shape. */
export const withCache = (inner: DnsShape, options: CacheOptions = {}): CachedDns => {
  const store = options.store ?? makeMemoryStore()
  const negativeTtl = options.negativeTtlSeconds ?? 60
  const maxTtl = options.maxTtlSeconds ?? 86_400
  // RFC 2308 §7.1: a server failure MUST NOT be cached for longer than five minutes.
  const failureTtl = Math.min(MAX_FAILURE_TTL_SECONDS, options.failureTtlSeconds ?? 5)
  const refusedTtl = Math.min(MAX_FAILURE_TTL_SECONDS, options.refusedTtlSeconds ?? 60)
  // A refused name is asked by every message that names it (SPF, DMARC): the error for a cached
  // failure is built once per entry and handed out again (errors are immutable values).
  const failures = new WeakMap<CachedEntry, DnsError>()
  const failureOf = (
    entry: CachedEntry,
    reason: "ServerFailure" | "Refused",
    detail: string | undefined,
    name: string,
    type: RecordType
  ) => {
    const known = failures.get(entry)
    if (known !== undefined && known.name === name && known.type === type) return known
    const error = Dns.dnsError({ reason, name, type, detail: `${detail ?? reason} (cached)` })
    failures.set(entry, error)
    return error
  }
  const keep = (key: string, outcome: CachedOutcome, seconds: number, now: number) =>
    seconds > 0 ? store.set(key, { outcome, expiresAt: now + seconds * 1000 }) : Effect.void
  /** What a fresh cached entry answers at `now`. */
  const answerOf = (entry: CachedEntry, name: string, type: RecordType, now: number): Dns.Immediate => {
    const o = entry.outcome
    if (o._tag === "Answer")
      return {
        _tag: "Outcome",
        outcome: {
          _tag: "Answer",
          records: o.answer.records,
          ttlSeconds: Math.max(0, Math.floor((entry.expiresAt - now) / 1000))
        }
      }
    if (o._tag === "NotFound") return { _tag: "Outcome", outcome: { _tag: "NotFound", detail: o.detail ?? "cached" } }
    return { _tag: "Error", error: failureOf(entry, o.reason, o.detail, name, type) }
  }
  const asEffect = (a: Dns.Immediate): Effect.Effect<DnsOutcome, DnsError> =>
    a._tag === "Outcome" ? Effect.succeed(a.outcome) : Effect.fail(a.error)
  const keyOf = (type: RecordType, name: string) => `${type} ${normaliseName(name)}`
  const peek = (type: RecordType, name: string, now: number): Dns.Immediate | undefined => {
    const hit = store.peek?.(keyOf(type, name))
    return hit !== undefined && hit.expiresAt > now ? answerOf(hit, name, type, now) : undefined
  }
  const ask: Ask = (type, name, options, key, now) =>
    Dns.lookup(inner, type, name, options).pipe(
      Effect.tap((o) =>
        o._tag === "Answer"
          ? keep(
              key,
              { _tag: "Answer", answer: { records: o.records, ttlSeconds: o.ttlSeconds } },
              Math.min(maxTtl, Math.max(0, o.ttlSeconds)),
              now
            )
          : keep(key, { _tag: "NotFound", detail: o.detail }, negativeTtl, now)
      ),
      Effect.tapError((error) =>
        error.reason === "ServerFailure" || error.reason === "Refused"
          ? keep(
              key,
              { _tag: "Failure", reason: error.reason, detail: error.detail },
              error.reason === "Refused" ? refusedTtl : failureTtl,
              now
            )
          : Effect.void
      )
    )
  // A bounded lookup that is not answered from the cache waits for the question in flight about
  // the same key, if any: the question itself asks without a deadline (0 = none), each waiter
  // keeps its own (`InFlight`).
  const inFlight = InFlight.make(options.maxPending)
  const UNBOUNDED: LookupOptions = { timeoutMillis: 0 }
  const asked: Ask = (type, name, options, key, now) =>
    InFlight.shareable(options)
      ? inFlight.ask(key, () => ask(type, name, UNBOUNDED, key, now), {
          type,
          name,
          timeoutMillis: options.timeoutMillis,
          startedAt: now
        })
      : ask(type, name, options, key, now)
  // Most lookups of a message are answered from memory: that path reads the clock once and
  // returns the answer, without a generator or the store's Effect.
  const lookup = (type: RecordType, name: string, options?: LookupOptions): Effect.Effect<DnsOutcome, DnsError> =>
    Effect.clockWith((clock) => {
      const key = keyOf(type, name)
      const now = clock.currentTimeMillisUnsafe()
      if (options?.fresh) return ask(type, name, options, key, now)
      const near = store.peek?.(key)
      if (near !== undefined && near.expiresAt > now) return asEffect(answerOf(near, name, type, now))
      return Effect.flatMap(store.get(key), (hit) =>
        hit !== undefined && hit.expiresAt > now
          ? asEffect(answerOf(hit, name, type, now))
          : asked(type, name, options, key, now)
      )
    })
  return { lookup, resolve: Dns.resolveFromLookup(lookup), peek, pending: inFlight.size }
}
