/**
 * A Dns that answers from fixed data, for unit tests (no network, deterministic).
 *
 * A name maps to its records per type, or to a failure (`ServerFailure`, `Refused`, ...), or to
 * `"hang"` (never answers, so the caller's per-call timeout decides). A name that is absent is
 * NXDOMAIN; a present name without the asked type is NODATA; both are `NotFound`.
 * Every query is recorded in `queries` so tests can count lookups.
 *
 * @category testing
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import {
  type DnsAnswer,
  Dns,
  DnsError,
  type DnsErrorReason,
  type DnsShape,
  normaliseName,
  type RecordType,
  withTimeout
} from "./Dns.ts"
import * as IpAddress from "./IpAddress.ts"

export interface StaticRecords {
  readonly A?: ReadonlyArray<string> | undefined
  readonly AAAA?: ReadonlyArray<string> | undefined
  readonly TXT?: ReadonlyArray<string> | undefined
  readonly PTR?: ReadonlyArray<string> | undefined
  /** `"preference exchange"`, e.g. `"10 mx.example.org"`. */
  readonly MX?: ReadonlyArray<string> | undefined
  /** TTL of every record of this name (default 300). */
  readonly ttl?: number | undefined
}

export type StaticEntry = StaticRecords | { readonly fail: Exclude<DnsErrorReason, "NotFound" | "Timeout"> } | "hang"

export type StaticZone = Readonly<Record<string, StaticEntry>>

export interface StaticDns extends DnsShape {
  /** Every query made so far, as `TYPE name`. */
  readonly queries: Array<string>
}

export const makeStatic = (zone: StaticZone): StaticDns => {
  const entries = new Map(Object.entries(zone).map(([k, v]) => [normaliseName(k), v] as const))
  const queries: Array<string> = []
  const answer = (type: RecordType, name: string): Effect.Effect<DnsAnswer, DnsError> => {
    const entry = entries.get(name)
    if (entry === undefined) return Effect.fail(new DnsError({ reason: "NotFound", name, type, detail: "NXDOMAIN" }))
    if (entry === "hang") return Effect.never
    if ("fail" in entry) return Effect.fail(new DnsError({ reason: entry.fail, name, type }))
    const records = entry[type]
    if (records === undefined || records.length === 0)
      return Effect.fail(new DnsError({ reason: "NotFound", name, type, detail: "NODATA" }))
    return Effect.succeed({ records, ttlSeconds: entry.ttl ?? 300 })
  }
  return {
    queries,
    resolve: (type, rawName, options) =>
      Effect.suspend(() => {
        const ip = type === "PTR" ? IpAddress.parse(rawName) : undefined
        const name = ip ? IpAddress.ptrName(ip) : normaliseName(rawName)
        queries.push(`${type} ${name}`)
        return withTimeout(answer(type, name), type, name, options?.timeoutMillis)
      })
  }
}

/** A layer providing `Dns` from fixed data. */
export const layerStatic = (zone: StaticZone): Layer.Layer<Dns> => Layer.succeed(Dns, makeStatic(zone))
