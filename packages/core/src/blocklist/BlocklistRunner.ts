/**
 * Runs `BlocklistProvider`s over queries with the guarantees every provider gets, built-in or
 * third-party:
 *
 * - **Timeout per provider** (`timeoutMillis`, 0 = none). Only answers that arrive in time count;
 *   a late answer is interrupted away and reported as `Unknown: Timeout`.
 * - **Validation**: an answer is untrusted input. Anything that is not one of the three shapes
 *   (or carries bad codes / TTLs) becomes `Unknown: Broken`.
 * - **Isolation**: a defect or throw inside `lookup` becomes `Unknown: ProviderError`;
 *   interruption of the caller is never swallowed.
 * - **TTL cache** keyed by provider, kind and value (`Listed` / `NotListed` only, for their
 *   `ttlSeconds`, capped by `maxTtlSeconds`; `Unknown` is never cached).
 * - **Concurrency limit** over all lookups of one `run`.
 * - **Latency**: each record says how long the answer took (0 for cache hits).
 *
 * A provider with the callback form (`ask`) is asked by callback when every uncached lookup of
 * a `run` (or the one `lookup`) can be, under the runtime's own clock: all of them together,
 * under one timer (`AskBatch.ts`), with the same records as the Effect path; `runNow` then
 * gives the records by callback (a `Later`: the pipeline waits for it without a fiber).
 *
 * A provider whose `kinds` do not include a query's kind is not asked.
 *
 * @category services
 * @since 0.1.0
 */
import { Cause, type Clock, Effect, Option } from "effect"
import { within } from "../Deadline.ts"
import { clockWithEager, current as currentClock } from "../FiberClock.ts"
import { type Now, toEffect } from "../StageAnswers.ts"
import { type BlocklistAnswer, type BlocklistProvider, type BlocklistQuery, frozenQuery } from "../Blocklist.ts"
import { trimOldest } from "../BoundedMap.ts"
import { MAX_TIMER_MILLIS, timerSleep } from "../RuntimeTimer.ts"
import * as Later from "../Later.ts"
import { listOfLength } from "../ListKinds.ts"
import { askAll } from "./AskBatch.ts"

/** One lookup's accounting, copied into stage facts. */
export interface LookupRecord {
  readonly provider: string
  readonly query: BlocklistQuery
  readonly answer: BlocklistAnswer
  /** False when no answer arrived within the timeout (the runner's or the provider's own). */
  readonly inTime: boolean
  readonly cached: boolean
  readonly millis: number
}

export interface AnswerCache {
  readonly get: (key: string, now: number) => BlocklistAnswer | undefined
  readonly set: (key: string, answer: BlocklistAnswer, expiresAt: number) => void
}

/** An in-memory answer cache bounded to `maxEntries` (the oldest written dropped first, in batches). */
export const makeAnswerCache = (maxEntries = 10_000): AnswerCache => {
  const map = new Map<string, { answer: BlocklistAnswer; expiresAt: number }>()
  return {
    get: (key, now) => {
      const e = map.get(key)
      if (e === undefined) return undefined
      if (e.expiresAt <= now) {
        map.delete(key)
        return undefined
      }
      return e.answer
    },
    set: (key, answer, expiresAt) => {
      map.delete(key)
      map.set(key, { answer, expiresAt })
      trimOldest(map, maxEntries)
    }
  }
}

export interface RunnerOptions {
  /** Lookups in flight at once per `run` (default 16). */
  readonly concurrency?: number | undefined
  readonly cache?: AnswerCache | false | undefined
  /** Cache time for answers without `ttlSeconds` (default 300) and the cap (default 86400). */
  readonly defaultTtlSeconds?: number | undefined
  readonly maxTtlSeconds?: number | undefined
}

const UNKNOWN_REASONS = new Set(["Timeout", "Unavailable", "ResolverBlocked", "Broken", "ProviderError"])
const isTtl = (t: unknown) => t === undefined || (typeof t === "number" && Number.isFinite(t) && t >= 0)
const isOptString = (t: unknown) => t === undefined || typeof t === "string"

/** Returns the answer if well-formed, else `Unknown: Broken` saying what was wrong. */
export const validateAnswer = (raw: unknown): BlocklistAnswer => {
  const broken = (detail: string): BlocklistAnswer => ({ _tag: "Unknown", reason: "Broken", detail })
  if (typeof raw !== "object" || raw === null) return broken("answer is not an object")
  const a = raw as Record<string, unknown>
  switch (a._tag) {
    case "NotListed":
      return isTtl(a.ttlSeconds)
        ? { _tag: "NotListed", ttlSeconds: a.ttlSeconds as number | undefined }
        : broken("bad ttlSeconds")
    case "Listed": {
      const codes = a.codes
      if (!Array.isArray(codes) || codes.length > 64 || !codes.every((c) => typeof c === "string" && c.length <= 255))
        return broken("bad codes")
      if (!isTtl(a.ttlSeconds)) return broken("bad ttlSeconds")
      if (a.score !== undefined && (typeof a.score !== "number" || !Number.isFinite(a.score)))
        return broken("bad score")
      if (!isOptString(a.reason)) return broken("bad reason")
      return {
        _tag: "Listed",
        codes: [...codes],
        score: a.score as number | undefined,
        reason: a.reason as string | undefined,
        ttlSeconds: a.ttlSeconds as number | undefined
      }
    }
    case "Unknown":
      if (typeof a.reason !== "string" || !UNKNOWN_REASONS.has(a.reason)) return broken("bad Unknown reason")
      return {
        _tag: "Unknown",
        reason: a.reason as "Broken",
        detail: isOptString(a.detail) ? (a.detail as string | undefined) : undefined
      }
    default:
      return broken("unknown answer tag")
  }
}

export interface BlocklistRunner {
  /** Asks one provider about one value, with all guarantees above. */
  readonly lookup: <R>(provider: BlocklistProvider<R>, query: BlocklistQuery) => Effect.Effect<LookupRecord, never, R>
  /** Asks every provider about every query of a kind it handles; records in (provider, query) order. */
  readonly run: <R>(
    providers: ReadonlyArray<BlocklistProvider<R>>,
    queries: ReadonlyArray<BlocklistQuery>
  ) => Effect.Effect<ReadonlyArray<LookupRecord>, never, R>
  /**
   * `run`, called now: the records themselves when every answer is cached and a clock can be read
   * now (`FiberClock`), else what asks for the others: by callback (a `Later`) when they all can
   * be, else `run`'s effect.
   */
  readonly runNow: <R>(
    providers: ReadonlyArray<BlocklistProvider<R>>,
    queries: ReadonlyArray<BlocklistQuery>
  ) => Now<ReadonlyArray<LookupRecord>, never, R>
}

export const make = (options: RunnerOptions = {}): BlocklistRunner => {
  const cache = options.cache === false ? undefined : (options.cache ?? makeAnswerCache())
  const defaultTtl = options.defaultTtlSeconds ?? 300
  const maxTtl = options.maxTtlSeconds ?? 86_400
  const concurrency = Math.max(1, options.concurrency ?? 16)

  const guarded = <R>(
    provider: BlocklistProvider<R>,
    query: BlocklistQuery
  ): Effect.Effect<{ answer: BlocklistAnswer; inTime: boolean }, never, R> => {
    const call = Effect.suspend(() => provider.lookup(frozenQuery(query))).pipe(
      Effect.map((raw) => {
        const answer = validateAnswer(raw)
        // A provider's own timeout (e.g. its DNS deadline) is also "no answer in time".
        return { answer, inTime: !(answer._tag === "Unknown" && answer.reason === "Timeout") }
      }),
      // Defects and throws are isolated; an interruption of the caller is not swallowed.
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.failCause(cause as Cause.Cause<never>)
          : Effect.succeed({
              answer: {
                _tag: "Unknown",
                reason: "ProviderError",
                detail: String(Cause.squash(cause)).slice(0, 200)
              } as BlocklistAnswer,
              inTime: true
            })
      )
    )
    if (provider.timeoutMillis <= 0) return call
    return call.pipe(
      (self) => within(self, provider.timeoutMillis),
      Effect.map(
        Option.getOrElse(() => ({
          answer: {
            _tag: "Unknown",
            reason: "Timeout",
            detail: `no answer within ${provider.timeoutMillis} ms`
          } as BlocklistAnswer,
          inTime: false
        }))
      )
    )
  }

  const keyOf = (provider: BlocklistProvider<unknown>, query: BlocklistQuery) =>
    `${provider.name}\u0000${query.kind}\u0000${query.value}`
  const cachedRecord = (provider: BlocklistProvider<unknown>, query: BlocklistQuery, now: number) => {
    const hit = cache?.get(keyOf(provider, query), now)
    return hit === undefined
      ? undefined
      : { provider: provider.name, query, answer: hit, inTime: true, cached: true, millis: 0 }
  }

  /** The record of an answer that was asked for (kept in the cache when it may be). */
  const recordOf = (
    provider: BlocklistProvider<unknown>,
    query: BlocklistQuery,
    answer: BlocklistAnswer,
    inTime: boolean,
    start: number,
    end: number
  ): LookupRecord => {
    if (cache !== undefined && answer._tag !== "Unknown") {
      const ttl = Math.min(maxTtl, answer.ttlSeconds ?? defaultTtl)
      if (ttl > 0) cache.set(keyOf(provider, query), answer, end + ttl * 1000)
    }
    return { provider: provider.name, query, answer, inTime, cached: false, millis: end - start }
  }

  const asked = <R>(
    provider: BlocklistProvider<R>,
    query: BlocklistQuery,
    clock: Clock.Clock,
    start: number
  ): Effect.Effect<LookupRecord, never, R> =>
    Effect.map(guarded(provider, query), ({ answer, inTime }) =>
      recordOf(provider, query, answer, inTime, start, clock.currentTimeMillisUnsafe())
    )

  /** Whether `provider` can be asked by callback under `clock` (its deadline on one real timer). */
  const byCallback = (provider: BlocklistProvider<unknown>, clock: Clock.Clock) =>
    provider.ask !== undefined && provider.timeoutMillis <= MAX_TIMER_MILLIS && clock.sleep === timerSleep

  /** Asks `pairs` by callback together (every provider has `ask`): their records, in order. */
  const askedTogether = (
    pairs: ReadonlyArray<readonly [BlocklistProvider<unknown>, BlocklistQuery]>,
    clock: Clock.Clock
  ): Later.Later<ReadonlyArray<LookupRecord>> => {
    // Without holes: the records' readers also read the cached path's (`ListKinds`).
    const records = listOfLength<LookupRecord>(pairs.length) as Array<LookupRecord>
    const now = () => clock.currentTimeMillisUnsafe()
    return Later.flatMap(
      askAll(
        pairs.map(([provider, query]) => ({ provider, query })),
        concurrency,
        now,
        validateAnswer,
        (i, { answer, inTime, start }) => {
          const [provider, query] = pairs[i]!
          records[i] = recordOf(provider, query, answer, inTime, start, now())
        }
      ),
      () => records
    )
  }

  // Hot path (a message's list lookups): the clock read directly, no generator; a cached answer
  // is a finished effect at once (`clockWithEager`).
  const lookup = <R>(provider: BlocklistProvider<R>, query: BlocklistQuery): Effect.Effect<LookupRecord, never, R> =>
    clockWithEager((clock) => {
      const start = clock.currentTimeMillisUnsafe()
      const hit = cachedRecord(provider, query, start)
      if (hit !== undefined) return Effect.succeed(hit)
      return byCallback(provider, clock)
        ? Later.toEffect(Later.flatMap(askedTogether([[provider, query]], clock), (records) => records[0]!))
        : asked(provider, query, clock, start)
    })

  // Cached answers (most of a message's lookups when mail comes in bursts) are taken at once;
  // only the others are asked: by callback when all of them can be, else concurrently (one
  // alone in this fiber). All cached: the records themselves.
  const runWith = <R>(
    providers: ReadonlyArray<BlocklistProvider<R>>,
    queries: ReadonlyArray<BlocklistQuery>,
    clock: Clock.Clock
  ): Now<ReadonlyArray<LookupRecord>, never, R> => {
    const now = clock.currentTimeMillisUnsafe()
    // Plain loops: `flatMap` over the providers was the dearest line of a cached message's lookups.
    const records: Array<LookupRecord | undefined> = []
    const missed: Array<number> = []
    const asking: Array<readonly [BlocklistProvider<R>, BlocklistQuery]> = []
    for (const p of providers)
      for (const q of queries) {
        if (!p.kinds.includes(q.kind)) continue
        const hit = cachedRecord(p, q, now)
        if (hit === undefined) {
          missed.push(records.length)
          asking.push([p, q])
        }
        records.push(hit)
      }
    if (missed.length === 0) return records as ReadonlyArray<LookupRecord>
    const filled = (answers: ReadonlyArray<LookupRecord>): ReadonlyArray<LookupRecord> => {
      missed.forEach((at, i) => {
        records[at] = answers[i]
      })
      return records as ReadonlyArray<LookupRecord>
    }
    if (asking.every(([p]) => byCallback(p, clock))) return Later.flatMap(askedTogether(asking, clock), filled)
    if (asking.length === 1) {
      const [p, q] = asking[0]!
      return Effect.map(lookup(p, q), (r) => filled([r]))
    }
    return Effect.map(
      Effect.forEach(asking, ([p, q]) => lookup(p, q), { concurrency }),
      filled
    )
  }
  const run = <R>(providers: ReadonlyArray<BlocklistProvider<R>>, queries: ReadonlyArray<BlocklistQuery>) =>
    clockWithEager((clock) => toEffect(runWith(providers, queries, clock)))
  const runNow = <R>(providers: ReadonlyArray<BlocklistProvider<R>>, queries: ReadonlyArray<BlocklistQuery>) => {
    const clock = currentClock()
    return clock === undefined ? run(providers, queries) : runWith(providers, queries, clock)
  }

  return { lookup, run, runNow }
}
