/**
 * A DNS list zone (RBL, DNSBL, end-user zone) as a `BlocklistProvider`, so built-in lists get
 * the same runner guarantees as third-party providers.
 *
 * Server entries are `zone` or `zone:127.0.0.x` (count only that answer). The five meanings of
 * an answer (P17, TESTING #35-37):
 * - NXDOMAIN / NODATA: `NotListed`.
 * - 127.0.0.0/8 answers (after the return-code filter): `Listed` with the codes.
 * - 127.255.255.0/24 (Spamhaus "open resolver", "typo", "excessive queries") and 127.0.1.255
 *   (DBL error): `Unknown: ResolverBlocked`, never a listing.
 * - Any answer outside 127/8 (a hijacking resolver's wildcard): `Unknown: Broken`.
 * - SERVFAIL / REFUSED / other errors: `Unknown: Unavailable`; timeout: `Unknown: Timeout`.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery, DnsShape, QueryKind } from "@mailmoat/core"
import { IpAddress } from "@mailmoat/core"
import { Effect } from "effect"

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
    if (ip?.family !== 4 || ip.bytes[0] !== 127) throw new Error(`"${input}": return code must be an address in 127.0.0.0/8`)
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

/** Classifies the A records of a positive answer. */
export const classify = (records: ReadonlyArray<string>, ttlSeconds: number, returnCode: string | undefined): BlocklistAnswer => {
  const errors = records.filter(isErrorCode)
  if (errors.length > 0) return { _tag: "Unknown", reason: "ResolverBlocked", detail: errors.join(",") }
  const outside = records.filter((a) => IpAddress.parse(a)?.bytes[0] !== 127 || IpAddress.parse(a)?.family !== 4)
  if (outside.length > 0) return { _tag: "Unknown", reason: "Broken", detail: `answer outside 127.0.0.0/8: ${outside.join(",")}` }
  const codes = returnCode === undefined ? records : records.filter((a) => a === returnCode)
  return codes.length > 0 ? { _tag: "Listed", codes: [...codes], ttlSeconds } : { _tag: "NotListed", ttlSeconds }
}

export interface ZoneProviderOptions {
  readonly spec: ZoneSpec
  readonly kinds: ReadonlyArray<QueryKind>
  readonly timeoutMillis: number
  readonly dns: DnsShape
  /** Ask the resolver even when it has a cached answer (health probes). */
  readonly fresh?: boolean | undefined
  /** Cache time of a NotFound answer (default 60 s). */
  readonly negativeTtlSeconds?: number | undefined
}

export const make = (options: ZoneProviderOptions): BlocklistProvider => ({
  name: options.spec.text,
  kinds: options.kinds,
  timeoutMillis: options.timeoutMillis,
  lookup: (query) => {
    const name = queryName(options.spec.zone, query)
    if (name === undefined) return Effect.succeed({ _tag: "Unknown", reason: "Broken", detail: `cannot query ${query.value}` })
    return options.dns.resolve("A", name, { timeoutMillis: options.timeoutMillis, fresh: options.fresh }).pipe(
      Effect.map((a): BlocklistAnswer => classify(a.records, a.ttlSeconds, options.spec.returnCode)),
      Effect.catchTag("DnsError", (e): Effect.Effect<BlocklistAnswer> => {
        switch (e.reason) {
          case "NotFound":
            return Effect.succeed({ _tag: "NotListed", ttlSeconds: options.negativeTtlSeconds ?? 60 })
          case "Timeout":
            return Effect.succeed({ _tag: "Unknown", reason: "Timeout", detail: e.detail })
          case "BadName":
            return Effect.succeed({ _tag: "Unknown", reason: "Broken", detail: e.detail })
          default:
            return Effect.succeed({ _tag: "Unknown", reason: "Unavailable", detail: e.reason })
        }
      })
    )
  }
})

