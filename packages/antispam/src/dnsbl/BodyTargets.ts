/**
 * What the DNSBL stage asks about: IPs and registrable domains found in the body.
 *
 * The message model has already decoded quoted-printable, base64 and HTML entities and
 * collected URL hosts, bare domains and IP literals (`Message.body`). Here hosts are reduced to
 * their registrable domain with the public suffix list (`tldts`, private section included, so
 * `x.blogspot.com` stays `x.blogspot.com` while `a.b.example.co.uk` becomes `example.co.uk`),
 * deduplicated in order of first appearance, and cut to the limits (0 = unlimited). IP hosts
 * are moved to the IP list; IPs on the skip list are dropped before counting.
 *
 * @category models
 * @since 0.1.0
 */
import type { BodyFacts } from "@mailmoat/core"
import { BoundedMemo, IpAddress } from "@mailmoat/core"
import { getDomain } from "tldts"
import type { CidrSet } from "../net/CidrSet.ts"

export interface Targets {
  readonly ips: ReadonlyArray<string>
  readonly domains: ReadonlyArray<string>
  /** Values found but not checked, with the reason (limit, skip list). */
  readonly dropped: ReadonlyArray<{ readonly value: string; readonly why: string }>
}

/** The registrable domain of a host name, or undefined (IP literal, bare TLD, invalid); no memo. */
export const registrableDomainUncached = (host: string): string | undefined => {
  const h = host.trim().toLowerCase().replace(/\.$/, "")
  if (h.length === 0 || h.length > 253 || IpAddress.isIp(h)) return undefined
  const d = getDomain(h, { allowPrivateDomains: true })
  return d === null || d.length === 0 ? undefined : d
}

/**
 * The same, remembered for the last hosts seen: messages link to the same hosts again and again,
 * and the public suffix list's answer builds a result object and several strings each time.
 */
export const registrableDomain: (host: string) => string | undefined = BoundedMemo.make(registrableDomainUncached, {
  maxEntries: 256,
  keep: (host) => host.length <= 255,
  detach: BoundedMemo.detachText
})

export interface TargetLimits {
  readonly maxAddresses: number
  readonly maxDomains: number
  readonly skip: CidrSet
}

export const extract = (body: Pick<BodyFacts, "hosts" | "ips">, limits: TargetLimits): Targets => {
  const dropped: Array<{ value: string; why: string }> = []
  const ips: Array<string> = []
  const domains: Array<string> = []
  const seenIp = new Set<string>()
  const seenDomain = new Set<string>()
  const addIp = (raw: string) => {
    const ip = IpAddress.parse(raw)?.text
    if (ip === undefined || seenIp.has(ip)) return
    seenIp.add(ip)
    const skipped = limits.skip.match(ip)
    if (skipped) dropped.push({ value: ip, why: `on skip list ${skipped.text}` })
    else if (limits.maxAddresses > 0 && ips.length >= limits.maxAddresses)
      dropped.push({ value: ip, why: `beyond dnsbl.maxAddresses ${limits.maxAddresses}` })
    else ips.push(ip)
  }
  for (const ip of body.ips) addIp(ip)
  for (const host of body.hosts) {
    if (IpAddress.isIp(host)) {
      addIp(host)
      continue
    }
    const d = registrableDomain(host)
    if (d === undefined || seenDomain.has(d)) continue
    seenDomain.add(d)
    if (limits.maxDomains > 0 && domains.length >= limits.maxDomains)
      dropped.push({ value: d, why: `beyond dnsbl.maxDomains ${limits.maxDomains}` })
    else domains.push(d)
  }
  return { ips, domains, dropped }
}
