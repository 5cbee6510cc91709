/**
 * The DNS answer cache in Redis, shared by every gateway of a fleet: a positive or negative
 * answer one node got is used by all until it expires, so the fleet asks a list once per TTL.
 * Put it behind a local memory store (`Dns.makeLayeredStore`) so a node asks Redis once per
 * answer too.
 *
 * One key per question, `<prefix>dns:<TYPE>:<name>`, holding the outcome as JSON, with a Redis
 * expiry (`PX`) equal to the time the answer has left. Expiry is Redis's clock, not each node's:
 * a reader takes the remaining lifetime from `PTTL`, so nodes with skewed clocks agree.
 *
 * **Gotchas**
 * - Failures are never errors here: a call that fails or passes its deadline reads as "not
 *   cached" (the caller asks DNS) or as a write that did not happen, and is reported through
 *   `onError`. A cache must never turn into a verdict.
 * - A stored value that does not decode (another version, a hand edit) reads as "not cached".
 * - The answer's TTL is capped before it gets here (`Dns.withCache`'s `maxTtlSeconds`).
 *
 * @category services
 * @since 0.1.0
 */
import type { DnsCachedEntry, DnsCachedOutcome, DnsCacheStore } from "@mailmoat/core"
import { Cause, Clock, Effect } from "effect"
import { callWithin, type RedisClient } from "./Deadline.ts"

export interface RedisDnsCacheOptions {
  readonly client: RedisClient
  /** Key prefix (`state.keyPrefix`, default `mailmoat:`). */
  readonly prefix?: string | undefined
  /** Deadline of each call (ms, default 250: a cache must cost less than the lookup it saves). */
  readonly timeoutMillis?: number | undefined
  readonly onError?: ((error: unknown, operation: "get" | "set") => void) | undefined
}

const isStrings = (v: unknown): v is ReadonlyArray<string> => Array.isArray(v) && v.every((s) => typeof s === "string")

/** Decodes a stored outcome; `undefined` for anything that is not one. */
export const decodeOutcome = (text: string): DnsCachedOutcome | undefined => {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return undefined
  }
  if (v === null || typeof v !== "object") return undefined
  const o = v as Record<string, unknown>
  if (o._tag === "NotFound") return { _tag: "NotFound", detail: typeof o.detail === "string" ? o.detail : undefined }
  const a = o.answer as Record<string, unknown> | undefined
  if (
    o._tag === "Answer" &&
    a !== null &&
    typeof a === "object" &&
    isStrings(a.records) &&
    a.records.length > 0 &&
    typeof a.ttlSeconds === "number"
  )
    return { _tag: "Answer", answer: { records: a.records, ttlSeconds: a.ttlSeconds } }
  return undefined
}

/** `A example.org` (the cache's key) -> `<prefix>dns:A:example.org`. */
const redisKey = (prefix: string, key: string): string => {
  const space = key.indexOf(" ")
  return space < 0 ? `${prefix}dns:${key}` : `${prefix}dns:${key.slice(0, space)}:${key.slice(space + 1)}`
}

/** Any failure becomes `value` after `report`; interruption stays interruption. */
const failedAs =
  <B>(value: B, report: (cause: Cause.Cause<unknown>) => void) =>
  <A>(self: Effect.Effect<A, unknown>): Effect.Effect<A | B> =>
    Effect.catchCause(self, (cause) =>
      Cause.hasInterruptsOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.sync(() => {
            report(cause)
            return value
          })
    )

export const make = (options: RedisDnsCacheOptions): DnsCacheStore => {
  const { client } = options
  const prefix = options.prefix ?? "mailmoat:"
  const timeout = options.timeoutMillis ?? 250
  const report = options.onError ?? (() => {})
  const get = (key: string): Effect.Effect<DnsCachedEntry | undefined> =>
    Effect.gen(function* () {
      const k = redisKey(prefix, key)
      const replies = yield* Effect.tryPromise(() =>
        callWithin(client, "dns get", timeout, () => client.pipeline().get(k).pttl(k).exec())
      )
      const [value, ttl] = (replies ?? []).map(([error, v]) => {
        if (error) throw error
        return v
      })
      const now = yield* Clock.currentTimeMillis
      if (typeof value !== "string" || typeof ttl !== "number" || ttl <= 0) return undefined
      const outcome = decodeOutcome(value)
      return outcome === undefined ? undefined : { outcome, expiresAt: now + ttl }
    }).pipe(failedAs(undefined, (cause) => report(Cause.squash(cause), "get")))
  const set = (key: string, entry: DnsCachedEntry): Effect.Effect<void> =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const ms = Math.floor(entry.expiresAt - now)
      if (ms <= 0) return
      yield* Effect.tryPromise(() =>
        callWithin(client, "dns set", timeout, () =>
          client.set(redisKey(prefix, key), JSON.stringify(entry.outcome), "PX", ms)
        )
      )
    }).pipe(failedAs(undefined, (cause) => report(Cause.squash(cause), "set")))
  return { get, set, size: () => 0 }
}
