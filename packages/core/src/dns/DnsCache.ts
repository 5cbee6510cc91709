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
 * - When the inner resolver answers by callback (`DnsShape.query`) and the store keeps all it has
 *   in memory (`peek` and `put`), a question is asked by that callback and its answer written by
 *   `put` as it arrives, before any waiter is told: no fiber per question, and the cache has a
 *   `query` of its own for callers outside the runtime. Otherwise (a shared store: its reads and
 *   writes are Effects) each question runs in a fiber of its own (`InFlight.fromEffect`).
 * - `query` with `keep: false` (a list lookup: the blocklist runner keeps its answers, and asks
 *   the DNS layer only for names its own cache does not hold) stores nothing for the question it
 *   asks; on new senders' mail those entries were ~60 % of the store, none of them ever read
 *   (docs/performance.md, "The replay's allocations, 2026-12-07 afternoon"). A waiter that joins
 *   such a question in flight gets its answer, unkept too.
 * - A stored "not found" or failure carries no more than its reason and detail: entries with the
 *   same ones share one outcome object (a store in memory holds thousands of them).
 *
 * @category services
 * @since 0.1.0
 */
import { Effect, Exit } from "effect"
import { trimOldest } from "../BoundedMap.ts"
import * as FiberClock from "../FiberClock.ts"
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
  /**
   * `set`, done at once. Only for a store that keeps all it has in this process's memory (its
   * `peek` answers whatever `get` would): with both, the cache asks and writes without the
   * runtime. Optional.
   */
  readonly put?: ((key: string, entry: CachedEntry) => void) | undefined
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
  const put = (key: string, entry: CachedEntry) => {
    map.delete(key)
    map.set(key, entry)
    trimOldest(map, maxEntries)
  }
  return {
    get: (key) => Effect.sync(() => map.get(key)),
    peek: (key) => map.get(key),
    put,
    set: (key, entry) => Effect.sync(() => put(key, entry)),
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
  const sharedOutcomes = makeSharedOutcomes()
  /** What a question's answer or error keeps in the store, from `now`; undefined: nothing. */
  const entryOf = (exit: Exit.Exit<DnsOutcome, DnsError>, now: number): CachedEntry | undefined => {
    const kept = (outcome: CachedOutcome, seconds: number) =>
      seconds > 0 ? { outcome, expiresAt: now + seconds * 1000 } : undefined
    if (Exit.isSuccess(exit)) {
      const o = exit.value
      return o._tag === "Answer"
        ? kept(
            { _tag: "Answer", answer: { records: o.records, ttlSeconds: o.ttlSeconds } },
            Math.min(maxTtl, Math.max(0, o.ttlSeconds))
          )
        : kept(sharedOutcomes.notFound(o.detail), negativeTtl)
    }
    const error = Exit.findErrorOption(exit)
    if (error._tag === "None") return undefined
    const { reason, detail } = error.value
    return reason === "ServerFailure" || reason === "Refused"
      ? kept(sharedOutcomes.failure(reason, detail), reason === "Refused" ? refusedTtl : failureTtl)
      : undefined
  }
  const keep = (key: string, exit: Exit.Exit<DnsOutcome, DnsError>, now: number) => {
    const entry = entryOf(exit, now)
    return entry === undefined ? Effect.void : store.set(key, entry)
  }
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
    Effect.onExit(Dns.lookup(inner, type, name, options), (exit) => keep(key, exit, now))
  // The callback path: an inner resolver answered by callback and a store written at once.
  const query = inner.query
  const put = store.peek !== undefined ? store.put : undefined
  /** Asks `query` (0 = no deadline); the answer is kept before anyone is told of it. */
  const asking =
    query === undefined || put === undefined
      ? undefined
      : (type: RecordType, name: string, key: string, now: number, timeoutMillis: number): InFlight.Start =>
          (answered) =>
            query(type, name, timeoutMillis, now, (exit) => {
              const entry = entryOf(exit, now)
              if (entry !== undefined) put(key, entry)
              answered(exit)
            })
  /** Asks `query` (0 = no deadline) for a caller that keeps the answer itself: nothing stored. */
  const unkept =
    (type: RecordType, name: string, now: number, timeoutMillis: number): InFlight.Start =>
    (answered) =>
      query!(type, name, timeoutMillis, now, answered)
  // A bounded lookup that is not answered from the cache waits for the question in flight about
  // the same key, if any: the question itself asks without a deadline (0 = none), each waiter
  // keeps its own (`InFlight`).
  const inFlight = InFlight.make(options.maxPending)
  const UNBOUNDED: LookupOptions = { timeoutMillis: 0 }
  const waiterOf = (type: RecordType, name: string, timeoutMillis: number, now: number): InFlight.Waiter => ({
    type,
    name,
    timeoutMillis,
    startedAt: now
  })
  const asked: Ask = (type, name, options, key, now) => {
    if (!InFlight.shareable(options)) return ask(type, name, options, key, now)
    const waiter = waiterOf(type, name, options.timeoutMillis, now)
    return asking !== undefined
      ? inFlight.ask(key, asking(type, name, key, now, 0), waiter)
      : Effect.withFiber((fiber) =>
          inFlight.ask(key, InFlight.fromEffect(ask(type, name, UNBOUNDED, key, now), fiber.context), waiter)
        )
  }
  // Most lookups of a message are answered from memory: that path reads the clock once and
  // returns the answer, without a generator or the store's Effect; inside a fiber a remembered
  // answer is a finished effect at once (the fiber's clock read directly), for callers that go
  // on without a run-loop step when they get one.
  const remembered = (type: RecordType, name: string, key: string, now: number) => {
    const near = store.peek?.(key)
    return near !== undefined && near.expiresAt > now ? asEffect(answerOf(near, name, type, now)) : undefined
  }
  const lookup = (type: RecordType, name: string, options?: LookupOptions): Effect.Effect<DnsOutcome, DnsError> => {
    const key = keyOf(type, name)
    const clock = options?.fresh ? undefined : FiberClock.current()
    const known = clock === undefined ? undefined : remembered(type, name, key, clock.currentTimeMillisUnsafe())
    if (known !== undefined) return known
    return Effect.clockWith((clock) => {
      const now = clock.currentTimeMillisUnsafe()
      if (options?.fresh) return ask(type, name, options, key, now)
      const near = remembered(type, name, key, now)
      if (near !== undefined) return near
      // A store written at once has nothing more than `peek` showed.
      if (asking !== undefined) return asked(type, name, options, key, now)
      return Effect.flatMap(store.get(key), (hit) =>
        hit !== undefined && hit.expiresAt > now
          ? asEffect(answerOf(hit, name, type, now))
          : asked(type, name, options, key, now)
      )
    })
  }
  const cached: CachedDns = { lookup, resolve: Dns.resolveFromLookup(lookup), peek, pending: inFlight.size }
  if (asking === undefined) return cached
  /** `lookup` outside the runtime, for a Promise-based caller (the deadline on real time). */
  const queryCached: NonNullable<DnsShape["query"]> = (type, name, timeoutMillis, now, answered, timer, keep) => {
    const key = keyOf(type, name)
    const near = store.peek?.(key)
    if (near !== undefined && near.expiresAt > now) {
      const a = answerOf(near, name, type, now)
      answered(a._tag === "Outcome" ? Exit.succeed(a.outcome) : Exit.fail(a.error))
      return nothing
    }
    if (!InFlight.shareable({ timeoutMillis }))
      return keep === false
        ? query!(type, name, timeoutMillis, now, answered)
        : asking(type, name, key, now, timeoutMillis)(answered)
    const waiter = waiterOf(type, name, timeoutMillis, now)
    const start = keep === false ? unkept(type, name, now, 0) : asking(type, name, key, now, 0)
    return inFlight.join(key, start, waiter, now, answered, timer !== false)
  }
  return { ...cached, query: queryCached }
}

const nothing: Dns.Cancel = () => {}

/** Distinct details a cache shares outcome objects for, per kind (resolvers give a handful: error codes). */
const MAX_SHARED_DETAILS = 32

/**
 * One stored outcome per "not found" detail and per failure reason and detail, frozen and handed
 * to every entry with the same ones (beyond `MAX_SHARED_DETAILS` details of a kind, a new one each).
 */
const makeSharedOutcomes = () => {
  const notFound = new Map<string | undefined, CachedOutcome>()
  const refused = new Map<string | undefined, CachedOutcome>()
  const serverFailure = new Map<string | undefined, CachedOutcome>()
  const remember = (
    map: Map<string | undefined, CachedOutcome>,
    detail: string | undefined,
    outcome: CachedOutcome
  ) => {
    if (map.size < MAX_SHARED_DETAILS) map.set(detail, outcome)
    return outcome
  }
  return {
    notFound: (detail: string | undefined): CachedOutcome =>
      notFound.get(detail) ?? remember(notFound, detail, Object.freeze({ _tag: "NotFound", detail })),
    failure: (reason: "ServerFailure" | "Refused", detail: string | undefined): CachedOutcome => {
      const map = reason === "Refused" ? refused : serverFailure
      return map.get(detail) ?? remember(map, detail, Object.freeze({ _tag: "Failure", reason, detail }))
    }
  }
}
