/**
 * What a provider's `check` returns, and how the SDK turns it into the engine's answer.
 *
 * A plugin's return value is untrusted input: anything that is not exactly one of the shapes
 * below (wrong types, NaN or infinite score, negative TTL, over-long strings, too many codes)
 * becomes `Unknown: ProviderError` with a detail saying what was wrong. It is never a listing.
 *
 * A TTL longer than 7 days is not an error: a real DNS TTL may be as large as 2^31-1 seconds.
 * It is cut to 7 days (the engine caps cache times further, 1 day by default).
 *
 * @category models
 * @since 0.1.0
 */
import type { BlocklistAnswer } from "@mailmoat/core"

/** Why a provider could not answer. Only `listed: true` can add spam weight. */
export type UnknownReason = "Unavailable" | "Timeout" | "ResolverBlocked" | "Broken"

/**
 * A provider's answer.
 *
 * - `null` / `undefined`: not listed (cached for the provider's `defaultTtlSeconds`).
 * - `{ listed: false, ttlSeconds? }`: not listed, cacheable for `ttlSeconds` (longer than 7 days
 *   is cut to 7 days).
 * - `{ listed: true, codes?, score?, reason?, ttlSeconds? }`: listed. `score` is a suggestion
 *   the policy may override; `codes` are the list's return codes (e.g. `"127.0.0.2"`).
 * - `{ unknown: reason, detail? }`: no answer (the list is down, refused us, answered nonsense).
 *   Never cached, never spam weight.
 *
 * @category models
 * @since 0.1.0
 */
export type Answer =
  | null
  | undefined
  | { readonly listed: false; readonly ttlSeconds?: number | undefined }
  | {
      readonly listed: true
      readonly codes?: ReadonlyArray<string> | undefined
      readonly score?: number | undefined
      readonly reason?: string | undefined
      readonly ttlSeconds?: number | undefined
    }
  | { readonly unknown: UnknownReason; readonly detail?: string | undefined }

/** Limits an answer must respect; `maxTtlSeconds` is a cut, not a limit (longer TTLs are shortened). */
export const LIMITS = { codes: 64, codeLength: 255, text: 500, maxScore: 1000, maxTtlSeconds: 7 * 86_400 } as const

const UNKNOWN: ReadonlySet<string> = new Set<UnknownReason>(["Unavailable", "Timeout", "ResolverBlocked", "Broken"])

const bad = (detail: string): BlocklistAnswer => ({
  _tag: "Unknown",
  reason: "ProviderError",
  detail: `invalid answer: ${detail}`
})

const ttlProblem = (t: unknown): string | undefined =>
  t === undefined || (typeof t === "number" && Number.isFinite(t) && t >= 0)
    ? undefined
    : "ttlSeconds must be a finite number of seconds >= 0"

/** The cache time an answer asks for, cut to `LIMITS.maxTtlSeconds`; `ttl` has passed `ttlProblem`. */
const cacheTime = (ttl: unknown, defaultTtlSeconds: number | undefined): number | undefined => {
  const t = (ttl as number | undefined) ?? defaultTtlSeconds
  return t === undefined ? undefined : Math.min(t, LIMITS.maxTtlSeconds)
}

const textProblem = (field: string, t: unknown): string | undefined =>
  t === undefined || (typeof t === "string" && t.length <= LIMITS.text)
    ? undefined
    : `${field} must be a string of at most ${LIMITS.text} characters`

/** Converts an untrusted SDK answer into an engine answer. Never throws. */
export const toEngineAnswer = (raw: unknown, defaultTtlSeconds: number | undefined): BlocklistAnswer => {
  if (raw === null || raw === undefined)
    return { _tag: "NotListed", ttlSeconds: cacheTime(undefined, defaultTtlSeconds) }
  if (typeof raw !== "object" || Array.isArray(raw))
    return bad(`expected an object or null, got ${Array.isArray(raw) ? "an array" : typeof raw}`)
  const a = raw as Record<string, unknown>
  if ("unknown" in a) {
    if ("listed" in a) return bad("an answer is either listed or unknown, not both")
    if (typeof a.unknown !== "string" || !UNKNOWN.has(a.unknown))
      return bad(`unknown must be one of ${[...UNKNOWN].join(", ")}`)
    const p = textProblem("detail", a.detail)
    if (p !== undefined) return bad(p)
    return { _tag: "Unknown", reason: a.unknown as UnknownReason, detail: a.detail as string | undefined }
  }
  if (a.listed === false) {
    const p = ttlProblem(a.ttlSeconds)
    return p === undefined ? { _tag: "NotListed", ttlSeconds: cacheTime(a.ttlSeconds, defaultTtlSeconds) } : bad(p)
  }
  if (a.listed !== true) return bad("listed must be true or false")
  const codes = a.codes ?? []
  if (
    !Array.isArray(codes) ||
    codes.length > LIMITS.codes ||
    !codes.every((c) => typeof c === "string" && c.length <= LIMITS.codeLength)
  )
    return bad(`codes must be at most ${LIMITS.codes} strings of at most ${LIMITS.codeLength} characters`)
  if (
    a.score !== undefined &&
    !(typeof a.score === "number" && Number.isFinite(a.score) && Math.abs(a.score) <= LIMITS.maxScore)
  )
    return bad(`score must be a finite number in -${LIMITS.maxScore}..${LIMITS.maxScore}`)
  const p = ttlProblem(a.ttlSeconds) ?? textProblem("reason", a.reason)
  if (p !== undefined) return bad(p)
  return {
    _tag: "Listed",
    codes: [...(codes as ReadonlyArray<string>)],
    score: a.score as number | undefined,
    reason: a.reason as string | undefined,
    ttlSeconds: cacheTime(a.ttlSeconds, defaultTtlSeconds)
  }
}

/** Why a lookup has no answer, as the engine reports it: the provider's reasons, or `ProviderError` (it threw, failed or answered malformed). */
export type LookupUnknownReason = UnknownReason | "ProviderError"

/**
 * An answer as the SDK reports it back (`lookup`, `cachedLookup`, conformance `expect`
 * functions): the same vocabulary a provider returns, normalised (`codes` always present).
 *
 * `answer.listed` is `true`, `false`, or `undefined` for an unknown answer, so a test may read
 * it without narrowing first. `_tag` (and `reason` on an unknown answer) is the engine's form, kept so tests written against
 * it still pass. Deprecated: read `listed` / `unknown`.
 */
export type LookupAnswer =
  | {
      readonly listed: true
      readonly codes: ReadonlyArray<string>
      readonly score?: number | undefined
      readonly reason?: string | undefined
      readonly ttlSeconds?: number | undefined
      readonly unknown?: undefined
      /** @deprecated the engine's form; read `listed`. */
      readonly _tag: "Listed"
    }
  | {
      readonly listed: false
      readonly ttlSeconds?: number | undefined
      readonly unknown?: undefined
      /** @deprecated the engine's form; read `listed`. */
      readonly _tag: "NotListed"
    }
  | {
      readonly unknown: LookupUnknownReason
      readonly detail?: string | undefined
      /** Absent: read `answer.listed === true` without narrowing first. */
      readonly listed?: undefined
      /** @deprecated the engine's form; read `unknown`. */
      readonly _tag: "Unknown"
      /** @deprecated the engine's form; read `unknown`. */
      readonly reason: LookupUnknownReason
    }

/** The engine's answer in the SDK's vocabulary. */
export const fromEngineAnswer = (a: BlocklistAnswer): LookupAnswer => {
  switch (a._tag) {
    case "Listed":
      return {
        listed: true,
        codes: a.codes,
        score: a.score,
        reason: a.reason,
        ttlSeconds: a.ttlSeconds,
        _tag: "Listed"
      }
    case "NotListed":
      return { listed: false, ttlSeconds: a.ttlSeconds, _tag: "NotListed" }
    case "Unknown":
      return { unknown: a.reason, detail: a.detail, _tag: "Unknown", reason: a.reason }
  }
}
