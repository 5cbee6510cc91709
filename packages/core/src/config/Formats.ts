/**
 * The value formats of the configuration as plain predicates: IP networks, `host:port`, DNS
 * zones, resolver addresses, URLs. They mirror the parsers that consume the values at start-up
 * (antispam's `CidrSet.parseNetwork`, `DnsZoneProvider.parseZoneSpec`, `EndUserList.parseEntry`,
 * core's `NodeDns.parseServer`) so a file that validates also starts. The consumers keep their
 * own checks (they are also driven directly by tests and the CLI); a test in
 * `test/config/Formats.test.ts` pins the agreed examples.
 *
 * @category models
 * @since 0.1.0
 */
import * as IpAddress from "../dns/IpAddress.ts"

/** `a.b.c.d`, an IPv6 address, or either with `/prefix` (IPv4-mapped IPv6 networks count as IPv4). */
export const isNetwork = (input: string): boolean => {
  const [addr, len, extra] = input.trim().split("/")
  const ip = addr === undefined ? undefined : IpAddress.parse(addr)
  if (!ip || extra !== undefined) return false
  if (len === undefined) return true
  if (!/^\d{1,3}$/.test(len)) return false
  const max = ip.family === 4 ? 32 : 128
  const mappedShift = ip.family === 4 && addr!.includes(":") ? 96 : 0
  const prefix = Number(len) - mappedShift
  return prefix >= 0 && prefix <= max
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/** A DNS zone with at least two labels (`bl.example`), trailing dot allowed. */
export const isZone = (input: string): boolean => {
  const zone = input.trim().toLowerCase().replace(/\.$/, "")
  return zone.length > 0 && zone.length <= 200 && zone.includes(".") && zone.split(".").every((l) => LABEL.test(l))
}

/** An RBL/DNSBL entry: `zone` or `zone:127.x.y.z` (only that answer counts). */
export const isZoneSpec = (input: string): boolean => {
  const colon = input.indexOf(":")
  if (colon < 0) return isZone(input)
  const ip = IpAddress.parse(input.slice(colon + 1).trim())
  return isZone(input.slice(0, colon)) && ip?.family === 4 && ip.bytes[0] === 127
}

const isPort = (text: string | undefined, min: number): boolean =>
  text !== undefined && /^\d{1,5}$/.test(text) && Number(text) >= min && Number(text) <= 65535

/** A resolver: `127.0.0.1:5353`, `[::1]:53`, or a bare address (port 53). */
export const isDnsServer = (input: string): boolean => {
  const s = input.trim()
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s)
  const v4port = /^([\d.]+):(\d{1,5})$/.exec(s)
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : v4port ? [v4port[1]!, v4port[2]] : [s, undefined]
  return IpAddress.parse(host) !== undefined && (port === undefined || isPort(port, 1))
}

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i

/** A host name (`mx.example`, `localhost`) or an IP address. */
export const isHost = (input: string): boolean => HOSTNAME.test(input) || IpAddress.parse(input) !== undefined

/**
 * `host:port` with an IPv4 address, a host name or a bracketed IPv6 address. `minPort` is 0 for
 * listen addresses (0 = any free port) and 1 for addresses we connect to.
 */
export const isHostPort = (input: string, minPort: 0 | 1): boolean => {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(input)
  if (bracketed) return IpAddress.parse(bracketed[1]!)?.family === 6 && isPort(bracketed[2], minPort)
  const colon = input.lastIndexOf(":")
  if (colon <= 0) return false
  const host = input.slice(0, colon)
  return !host.includes(":") && isHost(host) && isPort(input.slice(colon + 1), minPort)
}

const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/

/** An end-user blocklist entry: IP or network, mail address, or domain. */
export const isEndUserEntry = (raw: string): boolean => {
  const v = raw.trim().toLowerCase()
  if (v.includes("@")) {
    const at = v.lastIndexOf("@")
    return at > 0 && DOMAIN.test(v.slice(at + 1)) && !/\s/.test(v)
  }
  if (/^[\d.]+(\/\d+)?$/.test(v) || v.includes(":")) return isNetwork(v)
  return DOMAIN.test(v)
}

/** An absolute URL with one of the given schemes and a host. */
export const isUrl = (input: string, schemes: ReadonlyArray<string>): boolean => {
  try {
    const url = new URL(input)
    return schemes.includes(url.protocol.slice(0, -1)) && url.host !== ""
  } catch {
    return false
  }
}

/**
 * Splits the `protocols.tlsPorts` list (`"585, 993, 995"`); returns the entries that are not a
 * port from 1 to 65535, with their 1-based position, so each can be reported on its own.
 */
export const badPortEntries = (list: string): ReadonlyArray<{ readonly position: number; readonly entry: string }> => {
  if (list.trim() === "") return []
  return list
    .split(",")
    .map((raw, i) => ({ position: i + 1, entry: raw.trim() }))
    .filter(({ entry }) => !isPort(entry, 1))
}

/** 127.0.0.0/8, ::1 or localhost: addresses only this machine can reach. */
export const isLoopbackHost = (input: string): boolean => {
  if (input.toLowerCase() === "localhost") return true
  const ip = IpAddress.parse(input)
  if (ip === undefined) return false
  return ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0))
}
