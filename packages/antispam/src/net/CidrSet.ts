/**
 * A compiled set of CIDR networks (compiled once, looked up per message).
 *
 * Networks are parsed and validated when the set is built (a bad entry throws with the entry
 * text); lookups compare prefixes bytewise with no allocation beyond the address parse.
 * IPv4-mapped IPv6 addresses are matched as IPv4 (see `IpAddress.parse`).
 *
 * @category constructors
 * @since 0.1.0
 */
import { IpAddress } from "@mailmoat/core"

export interface Network {
  readonly family: 4 | 6
  readonly bytes: Uint8Array
  readonly prefix: number
  readonly text: string
}

/** Parses `a.b.c.d/n`, `x::/n` or a bare address (a /32 or /128). Throws on bad input. */
export const parseNetwork = (input: string): Network => {
  const [addr, len, extra] = input.trim().split("/")
  const ip = addr === undefined ? undefined : IpAddress.parse(addr)
  if (!ip || extra !== undefined) throw new Error(`"${input}" is not an IP network (expected a.b.c.d/n or x::/n)`)
  const max = ip.family === 4 ? 32 : 128
  // An IPv4-mapped IPv6 network (::ffff:a.b.c.d/n) is rewritten to its IPv4 form.
  const mappedShift = ip.family === 4 && addr!.includes(":") ? 96 : 0
  const prefix = len === undefined ? max : Number(len) - mappedShift
  if (len !== undefined && !/^\d{1,3}$/.test(len)) throw new Error(`"${input}": bad prefix length`)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`"${input}": prefix length out of range`)
  return { family: ip.family, bytes: ip.bytes, prefix, text: `${ip.text}/${prefix}` }
}

/** True when `ip` (already parsed) lies in `net`. */
export const contains = (net: Network, ip: IpAddress.Ip): boolean => {
  if (net.family !== ip.family) return false
  const full = net.prefix >> 3
  for (let i = 0; i < full; i++) if (net.bytes[i] !== ip.bytes[i]) return false
  const rest = net.prefix & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (net.bytes[full]! & mask) === (ip.bytes[full]! & mask)
}

export interface CidrSet {
  readonly networks: ReadonlyArray<Network>
  /** The first network containing `ip`, or undefined (also for text that is not an IP). */
  readonly match: (ip: string) => Network | undefined
  /** `match` for an address already parsed. */
  readonly matchIp: (ip: IpAddress.Ip) => Network | undefined
  readonly has: (ip: string) => boolean
}

export const compile = (entries: ReadonlyArray<string>): CidrSet => {
  const networks = entries.map(parseNetwork)
  // Longest prefixes first so `match` reports the most specific network.
  const sorted = [...networks].sort((a, b) => b.prefix - a.prefix)
  const matchIp = (ip: IpAddress.Ip) => {
    for (const n of sorted) if (contains(n, ip)) return n
    return undefined
  }
  const match = (text: string) => {
    const ip = IpAddress.parse(text)
    return ip ? matchIp(ip) : undefined
  }
  return { networks, match, matchIp, has: (ip) => match(ip) !== undefined }
}
