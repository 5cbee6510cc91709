/**
 * The local end-user blocklist (configured entries plus `mailmoat lists import`) as a
 * `BlocklistProvider` (kinds ip, address, domain), built with the SDK's `defineBlocklistProvider`
 * like DNS zones and third-party providers.
 *
 * It answers from memory, so it has no deadline (`timeoutMillis: 0`) and its answers are never
 * cached (`ttlSeconds: 0`): a rebuilt list applies to the very next lookup.
 *
 * Entries: an IP or CIDR (`198.51.100.0/24`), a mail address (`user@example.net`, which also
 * covers its sub-addresses `user+tag@example.net` under `antispam.recipientDelimiter`), or a
 * domain (`example.net`, which also covers its subdomains). Matching is case-insensitive.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { BlocklistProvider } from "@mailmoat/core"
import { type Answer, defineBlocklistProvider } from "@mailmoat/sdk"
import { Effect } from "effect"
import * as SubAddress from "../bypass/SubAddress.ts"
import * as CidrSet from "../net/CidrSet.ts"

export type EntryKind = "ip" | "address" | "domain"

const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/

/** Classifies and normalises one entry; throws with the reason on bad input. */
export const parseEntry = (raw: string): { readonly kind: EntryKind; readonly value: string } => {
  const v = raw.trim().toLowerCase()
  if (v.includes("@")) {
    const at = v.lastIndexOf("@")
    if (at === 0 || !DOMAIN.test(v.slice(at + 1)) || /\s/.test(v)) throw new Error(`"${raw}" is not a mail address`)
    return { kind: "address", value: v }
  }
  if (/^[\d.]+(\/\d+)?$/.test(v) || v.includes(":")) {
    return { kind: "ip", value: CidrSet.parseNetwork(v).text }
  }
  if (!DOMAIN.test(v)) throw new Error(`"${raw}" is not an IP, network, address or domain`)
  return { kind: "domain", value: v }
}

export interface EndUserListOptions {
  readonly name?: string | undefined
  /** Sub-address delimiters (`antispam.recipientDelimiter`); default `+`, empty: none. */
  readonly recipientDelimiter?: string | undefined
}

export const make = (entries: ReadonlyArray<string>, options: EndUserListOptions = {}): BlocklistProvider => {
  const name = options.name ?? "enduser-local"
  const delimiters = options.recipientDelimiter ?? SubAddress.DEFAULT_DELIMITER
  const parsed = entries.map(parseEntry)
  const nets = CidrSet.compile(parsed.filter((e) => e.kind === "ip").map((e) => e.value))
  const addresses = new Set(parsed.filter((e) => e.kind === "address").map((e) => e.value))
  const domains = new Set(parsed.filter((e) => e.kind === "domain").map((e) => e.value))
  const addressListed = (a: string) => {
    if (addresses.has(a)) return a
    const folded = SubAddress.base(a, delimiters)
    return folded !== undefined && addresses.has(folded) ? folded : undefined
  }
  const domainListed = (d: string) => {
    const labels = d.toLowerCase().split(".")
    for (let i = 0; i < labels.length - 1; i++)
      if (domains.has(labels.slice(i).join("."))) return labels.slice(i).join(".")
    return undefined
  }
  return defineBlocklistProvider({
    name,
    kinds: ["ip", "address", "domain"],
    timeoutMillis: 0,
    defaultTtlSeconds: 0,
    // The Effect form keeps the lookup synchronous (no promise per query).
    checkEffect: (q) =>
      Effect.sync((): Answer => {
        const v = q.value.toLowerCase()
        const found =
          q.kind === "ip"
            ? nets.match(v)?.text
            : q.kind === "address"
              ? (addressListed(v) ?? domainListed(v.slice(v.lastIndexOf("@") + 1)))
              : domainListed(v)
        return found ? { listed: true, codes: [found], ttlSeconds: 0 } : { listed: false, ttlSeconds: 0 }
      })
  })
}
