/**
 * A DNS list zone (RBL, DNSBL, end-user zone) as a `BlocklistProvider`, built with the SDK's
 * `defineBlocklistProvider` exactly as a third party would write it, so built-in lists get the
 * same runner guarantees (and answer checks) as plugin providers.
 *
 * Server entries are `zone` or `zone:127.0.0.x` (count only that answer). The five meanings of
 * an answer:
 * - NXDOMAIN / NODATA: `NotListed`.
 * - 127.0.0.0/8 answers (after the return-code filter): `Listed` with the codes.
 * - 127.255.255.0/24 (Spamhaus "open resolver", "typo", "excessive queries") and 127.0.1.255
 *   (DBL error): `Unknown: ResolverBlocked`, never a listing.
 * - Any answer outside 127/8 (a hijacking resolver's wildcard): `Unknown: Broken`.
 * - SERVFAIL / REFUSED / other errors: `Unknown: Unavailable`; timeout: `Unknown: Timeout`.
 *
 * `timeoutMillis: 0` (config `timeoutSeconds: 0`) is no deadline: neither the runner nor the DNS
 * call cuts the lookup off. DNS TTLs over 7 days are cached as 7 days (the SDK's cut; the
 * runner's cap is lower still).
 *
 * @category constructors
 * @since 0.1.0
 */
import type {
  BlocklistAnswer,
  BlocklistProvider,
  BlocklistQuery,
  DnsOutcome,
  DnsShape,
  QueryKind
} from "@mailmoat/core"
import { Dns, IpAddress, Plugins } from "@mailmoat/core"
import { type Answer, defineBlocklistProvider } from "@mailmoat/sdk"
import { Cause, Effect, Exit } from "effect"

type DnsError = Dns.DnsError

export interface ZoneSpec {
  readonly zone: string
  /** Only this answer counts as a listing when set. */
  readonly returnCode?: string | undefined
  /** The entry as written (`zen.example:127.0.0.4`), used as the provider name. */
  readonly text: string
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/** Parses `zone` or `zone:127.x.y.z`. Throws with the entry text on bad input. */
export const parseZoneSpec = (input: string): ZoneSpec => {
  const text = input.trim().toLowerCase()
  const colon = text.indexOf(":")
  const zone = (colon < 0 ? text : text.slice(0, colon)).replace(/\.$/, "")
  const code = colon < 0 ? undefined : text.slice(colon + 1)
  if (zone.length === 0 || zone.length > 200 || !zone.split(".").every((l) => LABEL.test(l)) || !zone.includes(".")) {
    throw new Error(`"${input}" is not a DNS zone (expected e.g. bl.example or zen.example:127.0.0.4)`)
  }
  if (code !== undefined) {
    const ip = IpAddress.parse(code)
    if (ip?.family !== 4 || ip.bytes[0] !== 127)
      throw new Error(`"${input}": return code must be an address in 127.0.0.0/8`)
    return { zone, returnCode: ip.text, text: `${zone}:${ip.text}` }
  }
  return { zone, text: zone }
}

/** The query name for a value, or undefined when the value cannot be asked (bad IP, too long). */
export const queryName = (zone: string, query: BlocklistQuery): string | undefined => {
  if (query.kind === "ip") {
    const ip = IpAddress.parse(query.value)
    return ip ? `${IpAddress.reverseLabel(ip)}.${zone}` : undefined
  }
  const name = `${query.value.toLowerCase().replace(/\.$/, "")}.${zone}`
  return name.length <= 253 ? name : undefined
}

const isErrorCode = (a: string) => a.startsWith("127.255.255.") || a === "127.0.1.255"

// The SDK's answer limits: more codes or longer details are a malformed answer, not a listing.
const MAX_CODES = 64
const MAX_DETAIL = 500
const unknown = (
  reason: "Unavailable" | "Timeout" | "ResolverBlocked" | "Broken",
  detail: string | undefined
): Answer => ({
  unknown: reason,
  detail: detail !== undefined && detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 3)}...` : detail
})

/** Classifies the A records of a positive answer, as the SDK answer the provider gives. */
export const answerFor = (
  records: ReadonlyArray<string>,
  ttlSeconds: number,
  returnCode: string | undefined
): Answer => {
  const errors = records.filter(isErrorCode)
  if (errors.length > 0) return unknown("ResolverBlocked", errors.join(","))
  const outside = records.filter((a) => IpAddress.parse(a)?.bytes[0] !== 127 || IpAddress.parse(a)?.family !== 4)
  if (outside.length > 0) return unknown("Broken", `answer outside 127.0.0.0/8: ${outside.join(",")}`)
  const codes = returnCode === undefined ? records : records.filter((a) => a === returnCode)
  if (codes.length > MAX_CODES) return unknown("Broken", `${codes.length} answers (at most ${MAX_CODES} return codes)`)
  return codes.length > 0 ? { listed: true, codes: [...codes], ttlSeconds } : { listed: false, ttlSeconds }
}

/** `answerFor` in the engine's answer form. */
export const classify = (
  records: ReadonlyArray<string>,
  ttlSeconds: number,
  returnCode: string | undefined
): BlocklistAnswer => {
  const a = answerFor(records, ttlSeconds, returnCode)
  if (a === null || a === undefined) return { _tag: "NotListed" }
  if ("unknown" in a) return { _tag: "Unknown", reason: a.unknown, detail: a.detail }
  return a.listed
    ? { _tag: "Listed", codes: [...(a.codes ?? [])], ttlSeconds: a.ttlSeconds }
    : { _tag: "NotListed", ttlSeconds: a.ttlSeconds }
}

export interface ZoneProviderOptions {
  readonly spec: ZoneSpec
  readonly kinds: ReadonlyArray<QueryKind>
  /** Deadline of a lookup; 0 = none. */
  readonly timeoutMillis: number
  readonly dns: DnsShape
  /** Ask the resolver even when it has a cached answer (health probes). */
  readonly fresh?: boolean | undefined
  /** Cache time of a NotFound answer (default 60 s). */
  readonly negativeTtlSeconds?: number | undefined
  /**
   * The runner that asks this provider keeps its answers (`BlocklistRunner`'s answer cache, which
   * answers a name it holds before the provider is asked): the DNS cache is told not to keep them
   * too (`DnsShape.query`'s `keep`). Default false.
   */
  readonly keptByRunner?: boolean | undefined
}

/**
 * The zone's provider. Over a resolver answered by callback (`DnsShape.query`, the gateway's
 * cache over Node's resolver) it is a callback provider: the runner asks a message's uncached
 * lookups together and keeps their deadline (`timeoutMillis`) under one timer, and the DNS
 * waiter has no timer of its own (`timer: false`; the deadline still decides whether a question
 * in flight is joined). Otherwise (an Effect-only resolver, or a health probe that asks `fresh`)
 * the DNS call carries the deadline, counted from the start of the lookup, and the runner none;
 * so does a deadline over the longest a provider may declare (`Plugins.MAX_MILLIS`), or none.
 * Either way a lookup that passes its deadline is `Unknown: Timeout` "no answer within N ms"
 * (the runner's text and the DNS layer's are the same), not in time.
 */
export const make = (options: ZoneProviderOptions): BlocklistProvider => {
  const notListed: Answer = { listed: false, ttlSeconds: options.negativeTtlSeconds ?? 60 }
  const ofOutcome = (o: DnsOutcome): Answer =>
    o._tag === "Answer" ? answerFor(o.records, o.ttlSeconds, options.spec.returnCode) : notListed
  const ofError = (e: DnsError): Answer => {
    switch (e.reason) {
      case "NotFound":
        return notListed
      case "Timeout":
        return unknown("Timeout", e.detail)
      case "BadName":
        return unknown("Broken", e.detail)
      default:
        return unknown("Unavailable", e.reason)
    }
  }
  const base = { name: options.spec.text, kinds: options.kinds }
  const query = options.fresh ? undefined : options.dns.query
  // A deadline longer than a provider may declare (or none) stays with the DNS call.
  const runnerTimes = options.timeoutMillis > 0 && options.timeoutMillis <= Plugins.MAX_MILLIS
  const keep = options.keptByRunner === true ? false : undefined
  if (query !== undefined)
    return defineBlocklistProvider({
      ...base,
      timeoutMillis: runnerTimes ? options.timeoutMillis : 0,
      checkCallback: (q, { now, fail }, answer) => {
        const name = queryName(options.spec.zone, q)
        if (name === undefined) return answer(unknown("Broken", `cannot query ${q.value}`))
        const told = (exit: Exit.Exit<DnsOutcome, DnsError>) => {
          if (Exit.isSuccess(exit)) return answer(ofOutcome(exit.value))
          const e = Cause.squash(exit.cause)
          // A resolver's defect is "could not answer", as on the Effect path (the SDK's catch).
          return e instanceof Dns.DnsError ? answer(ofError(e)) : fail(e)
        }
        return query("A", name, options.timeoutMillis, now, told, !runnerTimes, keep)
      }
    })
  return defineBlocklistProvider({
    ...base,
    timeoutMillis: 0,
    checkEffect: (q): Effect.Effect<Answer> => {
      const name = queryName(options.spec.zone, q)
      if (name === undefined) return Effect.succeed(unknown("Broken", `cannot query ${q.value}`))
      // "Not listed" (NXDOMAIN) is the usual answer: it comes as a value, not as an error.
      return Dns.lookup(options.dns, "A", name, { timeoutMillis: options.timeoutMillis, fresh: options.fresh }).pipe(
        Effect.map(ofOutcome),
        Effect.catchTag("DnsError", (e) => Effect.succeed(ofError(e)))
      )
    }
  })
}
