/**
 * Parses a list file: one entry per line, `#` starts a comment.
 *
 * - `192.0.2.0/24`, `2001:db8::/32`, `198.51.100.7`: client / body IPs;
 * - `example.com`: that domain exactly; `.example.com` or `*.example.com`: it and every subdomain;
 * - `user@example.com`: that address; `@example.com`: every address at that domain.
 *
 * A file with any bad line is rejected as a whole (the caller keeps its previous list), so a
 * half-written or mistyped file never silently drops entries.
 *
 * @category parsers
 * @since 0.1.0
 */
import { BlockList, isIP } from "node:net"

export interface CompiledList {
  readonly ips: BlockList
  readonly domains: ReadonlySet<string>
  /** Domains whose subdomains are listed too. */
  readonly suffixes: ReadonlySet<string>
  readonly addresses: ReadonlySet<string>
  /** Domains all of whose addresses are listed. */
  readonly addressDomains: ReadonlySet<string>
  readonly entries: number
}

export type ParseResult =
  | { readonly ok: true; readonly list: CompiledList }
  | { readonly ok: false; readonly errors: ReadonlyArray<string> }

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/
const LOCAL = /^[^\s@]{1,64}$/

export const parseListFile = (text: string): ParseResult => {
  const ips = new BlockList()
  const domains = new Set<string>()
  const suffixes = new Set<string>()
  const addresses = new Set<string>()
  const addressDomains = new Set<string>()
  const errors: Array<string> = []
  let entries = 0
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const entry = line.replace(/#.*/, "").trim().toLowerCase()
    if (entry === "") continue
    const bad = (why: string) => errors.push(`line ${i + 1}: ${JSON.stringify(line.slice(0, 80))}: ${why}`)
    entries++
    const slash = entry.indexOf("/")
    if (slash >= 0) {
      const net = entry.slice(0, slash)
      const bits = Number(entry.slice(slash + 1))
      const family = isIP(net)
      if (
        family === 0 ||
        !Number.isInteger(bits) ||
        bits < 0 ||
        bits > (family === 4 ? 32 : 128) ||
        !/^\d+$/.test(entry.slice(slash + 1))
      ) {
        bad("not a CIDR")
        continue
      }
      ips.addSubnet(net, bits, family === 4 ? "ipv4" : "ipv6")
    } else if (isIP(entry) !== 0) ips.addAddress(entry, isIP(entry) === 4 ? "ipv4" : "ipv6")
    else if (entry.includes("@")) {
      const at = entry.lastIndexOf("@")
      const local = entry.slice(0, at)
      const domain = entry.slice(at + 1)
      if (!DOMAIN.test(domain) || (local !== "" && !LOCAL.test(local))) {
        bad("not an address")
        continue
      }
      if (local === "") addressDomains.add(domain)
      else addresses.add(entry)
    } else {
      const wildcard = entry.startsWith("*.") ? entry.slice(2) : entry.startsWith(".") ? entry.slice(1) : undefined
      const domain = wildcard ?? entry
      if (!DOMAIN.test(domain)) {
        bad("not an IP, CIDR, domain or address")
        continue
      }
      ;(wildcard === undefined ? domains : suffixes).add(domain)
    }
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, list: { ips, domains, suffixes, addresses, addressDomains, entries } }
}

/** The entry that lists `domain`, if any (exact, then the nearest wildcard parent). */
const domainMatch = (list: CompiledList, domain: string): string | undefined => {
  if (list.domains.has(domain)) return domain
  for (let d = domain; d.includes("."); d = d.slice(d.indexOf(".") + 1)) if (list.suffixes.has(d)) return `*.${d}`
  return undefined
}

/** The matching entry for a query, or undefined. Never throws on odd input. */
export const match = (list: CompiledList, kind: "ip" | "domain" | "address", raw: string): string | undefined => {
  const value = raw.trim().toLowerCase().replace(/\.$/, "")
  if (kind === "ip") {
    const family = isIP(value)
    return family !== 0 && list.ips.check(value, family === 4 ? "ipv4" : "ipv6") ? value : undefined
  }
  if (kind === "domain") return domainMatch(list, value)
  const at = value.lastIndexOf("@")
  if (at <= 0) return undefined
  const domain = value.slice(at + 1)
  if (list.addresses.has(value)) return value
  return list.addressDomains.has(domain) ? `@${domain}` : undefined
}
