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

/** A name a proxy listener may certify for a client's SNI: one host name, or `*.` over one label. */
export type ServerNamePattern =
  | { readonly kind: "exact"; readonly name: string }
  | { readonly kind: "wildcard"; readonly parent: string }

// The label rule of the certificate minter (protocols' LeafName): LDH, underscores tolerated.
const CERT_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/
const isCertName = (name: string): boolean =>
  name.length > 0 && name.length <= 253 && name.split(".").every((l) => CERT_LABEL.test(l))

/** The A-label form of an IDN, for the hint (URL applies IDNA/UTS #46), or undefined. */
const aLabels = (name: string): string | undefined => {
  try {
    const host = new URL(`http://${name}/`).hostname
    return isCertName(host) ? host : undefined
  } catch {
    return undefined
  }
}

/**
 * A `protocols.listeners[].serverNames` entry, normalised (lower case, no trailing dot), or what
 * was expected instead (the phrase a problem line shows after "expected"). The wildcard is
 * RFC 6125's: a whole first label matching exactly one label (`*.example.com` covers
 * `imap.example.com`, not `example.com` nor `a.imap.example.com`), over at least two labels so
 * it never covers a whole top-level domain.
 */
export const serverNamePattern = (raw: string): ServerNamePattern | { readonly expected: string } => {
  const name = raw.trim().toLowerCase().replace(/\.$/, "")
  if (name === "") return { expected: "a host name, not an empty value" }
  // SNI carries host names as A-labels (RFC 6066 §3): a U-label would never match.
  if (/[^\u0000-\u007f]/.test(name)) {
    const ascii = aLabels(name)
    return {
      expected: `an ASCII name: clients send an international name as punycode A-labels (${ascii ? `write ${ascii}` : "xn--..."})`
    }
  }
  if (IpAddress.parse(name.replace(/^\[(.*)\]$/, "$1")) !== undefined)
    return {
      expected:
        "a host name, not an IP address: clients never send one in SNI (RFC 6066 §3); the listen address is already in the listener's default certificate"
    }
  if (name.startsWith("*.")) {
    const parent = name.slice(2)
    if (parent.includes("*") || !isCertName(parent))
      return { expected: "a wildcard as a whole first label over a host name (*.example.com)" }
    if (!parent.includes("."))
      return { expected: "a wildcard over at least two labels (*.example.com), never a whole top-level domain" }
    return { kind: "wildcard", parent }
  }
  if (name.includes("*")) return { expected: "a wildcard as a whole first label only (*.example.com)" }
  return isCertName(name)
    ? { kind: "exact", name }
    : {
        expected:
          "a host name (labels of letters, digits, '-' and '_', 63 characters each, 253 in all) or *.example.com"
      }
}
