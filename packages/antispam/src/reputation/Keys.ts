/**
 * What a message's reputation is kept under: the sending IP, its network (/24 for IPv4, /64 for
 * IPv6) and the sender domain only when it is authenticated. An unauthenticated From or MAIL
 * FROM domain is whatever the sender typed: counting it would let a spammer ruin a bank's
 * reputation, or borrow it.
 *
 * Keys are written in one canonical form, so every text form of an address is one key:
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is its IPv4 address, IPv6 is eight lowercase hextets
 * without zero compression (`2001:db8:0:0:0:0:0:1`), domains are lowercase without a final dot.
 *
 * @category models
 * @since 0.1.0
 */
import { IpAddress } from "@mailmoat/core"
import type { AuthFacts } from "../auth/AuthFacts.ts"

export type Kind = "ip" | "network" | "domain"

export interface ReputationKey {
  readonly kind: Kind
  /** The store's key: `ip:<address>`, `net:<network>`, `domain:<name>`. */
  readonly key: string
  /** What the key is about, for the trace and the log. */
  readonly subject: string
}

const hextets = (bytes: Uint8Array, count: number): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < count; i++) out.push(((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16))
  return out
}

/** The IP and network keys of an address; none when it is not an IP address. */
export const ipKeys = (address: string): ReadonlyArray<ReputationKey> => {
  const ip = IpAddress.parse(address)
  if (ip === undefined) return []
  const b = ip.bytes
  const [addr, net] =
    ip.family === 4
      ? [`${b[0]}.${b[1]}.${b[2]}.${b[3]}`, `${b[0]}.${b[1]}.${b[2]}.0/24`]
      : [hextets(b, 8).join(":"), `${hextets(b, 4).join(":")}::/64`]
  return [
    { kind: "ip", key: `ip:${addr}`, subject: addr },
    { kind: "network", key: `net:${net}`, subject: net }
  ]
}

/** A domain name as a key's subject; undefined for an empty or malformed name. */
export const normaliseDomain = (name: string): string | undefined => {
  const d = name.trim().toLowerCase().replace(/\.$/, "")
  return /^[a-z0-9_](?:[a-z0-9_.-]{0,251}[a-z0-9])?$/.test(d) && !d.includes("..") ? d : undefined
}

/**
 * The domain the authentication facts vouch for: the From domain when DMARC passed (an aligned
 * SPF or DKIM pass), else the MAIL FROM domain when SPF passed for it; none otherwise, and none
 * when the check ran out of time.
 */
export const authenticatedDomain = (facts: AuthFacts | undefined): string | undefined => {
  if (facts === undefined || facts.timedOut) return undefined
  if (facts.dmarc?.result === "pass") return normaliseDomain(facts.dmarc.fromDomain)
  const spf = facts.spf.mailFrom
  return spf.result === "pass" ? normaliseDomain(spf.domain) : undefined
}

/** Every key of a message: its sender's IP and network, and the authenticated domain if any. */
export const derive = (address: string, domain: string | undefined): ReadonlyArray<ReputationKey> => {
  const ip = ipKeys(address)
  return domain === undefined ? ip : [...ip, { kind: "domain", key: `domain:${domain}`, subject: domain }]
}
