/**
 * Where a message entered the Internet, and whether that looks like a customer's line of an
 * access provider rather than a mail server: the oldest Received hop that recorded a public IP,
 * and its reverse DNS name or HELO.
 *
 * Access providers name the addresses they hand to customers generically, after the line and the
 * address: `adsl-216-103-211-240.dsl.example.net`, `pool-71-104-12-7.example.net`,
 * `c-24-1-2-3.hsd1.example.net`, `host217-36-23-185.in-addr.example.com`, `dialup-42.example.net`,
 * `p977.as2.example.net`. Mail servers get names of their own (`mail.example.com`). A name looks
 * dynamic when the part left of its registrable domain carries three or more of the address's
 * octets in order (either direction), the whole address as 8 hex digits or 12 zero-padded
 * digits, a word of such schemes (`dsl`, `dialup`, `ppp`, `pool`, `dhcp`, `dynamic`, `cable`,
 * `client`, `static`, ...) or a numbered address (`host-12`, `ip-1-2-3-4`, `p977`), and no word of
 * a server's name (`mail`, `smtp`, `mx`, `relay`, ...).
 *
 * **Gotchas**
 * People send from such lines too (through their own mail program, to a provider's submission
 * server, which records their line as the oldest hop): a dynamic origin alone is no evidence
 * (docs/classifier.md, round 13). Only the HTML-only message from such a line is a feature.
 * Private, loopback and link-local hops are skipped: a message written inside a network enters
 * the Internet at the first public hop, and a private address has no public name to look at.
 *
 * @category constructors
 * @since 0.5.0
 */
import { IpAddress, type ReceivedHop } from "@mailmoat/core"
import { registrableDomain } from "./Domains.ts"

/** Received hops read, newest first: a chain longer than this is read no further. */
export const MAX_HOPS = 30

/** Addresses that never reach the Internet: RFC 1918, loopback, link-local, shared (RFC 6598), ULA. */
const isPublic = (ip: IpAddress.Ip): boolean => {
  const b = ip.bytes
  if (ip.family === 6) {
    const loopback = b.every((x, i) => x === (i === 15 ? 1 : 0))
    return !(loopback || (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) || (b[0]! & 0xfe) === 0xfc)
  }
  const [a, c] = [b[0]!, b[1]!]
  return !(
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && c >= 64 && c < 128) ||
    (a === 169 && c === 254) ||
    (a === 172 && c >= 16 && c < 32) ||
    (a === 192 && c === 168)
  )
}

/** The oldest hop that recorded a public IP, with that IP parsed and its index; undefined when none did. */
export const originHop = (
  received: ReadonlyArray<ReceivedHop>
): { readonly hop: ReceivedHop; readonly ip: IpAddress.Ip; readonly index: number } | undefined => {
  const last = Math.min(received.length, MAX_HOPS) - 1
  for (let i = last; i >= 0; i--) {
    const hop = received[i]!
    const ip = hop.ip === undefined ? undefined : IpAddress.parse(hop.ip)
    if (ip !== undefined && isPublic(ip)) return { hop, ip, index: i }
  }
  return undefined
}

// Words of the generic names access providers give customer lines and address pools.
const LINE_WORDS = new Set(
  (
    "dsl adsl xdsl sdsl vdsl hdsl dial dialup dialin dip ppp pppoe pppoa pool dhcp dyn dynamic dynip " +
    "cable cbl catv modem client clients user users res resnet residential broadband cust customer " +
    "customers subscriber wireless wlan static"
  ).split(" ")
)
// A word before a number that names an address, not a machine: host-12, ip-1-2-3-4, p977.
const NUMBERED = new Set(["host", "ip", "p"])
// Words of a mail server's own name: such a host is a server, whatever else its name says.
const SERVER_WORDS = new Set(
  "mail smtp mx mta relay out outbound mailhost mailout post postfix exchange gw gateway".split(" ")
)
const WORD_BREAK = /[.\-_]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])/

/** Whether the sequence `seq[i..i+n)` for some i appears in `runs` as n numbers in a row. */
const holdsRun = (runs: ReadonlyArray<number>, seq: ReadonlyArray<number>, n: number): boolean => {
  for (let i = 0; i + n <= seq.length; i++)
    for (let j = 0; j + n <= runs.length; j++) {
      let k = 0
      while (k < n && runs[j + k] === seq[i + k]) k++
      if (k === n) return true
    }
  return false
}

/** Whether `part` (a host name without its registrable domain) spells the IPv4 address `octets`. */
const spellsAddress = (part: string, octets: ReadonlyArray<number>): boolean => {
  const runs = (part.match(/\d{1,3}/g) ?? []).map(Number)
  const reversed = [...octets].reverse()
  if (holdsRun(runs, octets, 3) || holdsRun(runs, reversed, 3)) return true
  const padded = (o: ReadonlyArray<number>) => o.map((x) => String(x).padStart(3, "0")).join("")
  const hex = octets.map((x) => x.toString(16).padStart(2, "0")).join("")
  return part.includes(hex) || part.includes(padded(octets)) || part.includes(padded(reversed))
}

/** Whether the host `name` looks like a name given to a customer's line at `ip` (see above). */
export const looksDynamic = (name: string | undefined, ip: IpAddress.Ip): boolean => {
  if (name === undefined || name.length > 255 || IpAddress.isIp(name.replace(/^\[|\]$/g, ""))) return false
  const host = name.toLowerCase().replace(/\.$/, "")
  const domain = registrableDomain(host)
  if (domain === null || !host.endsWith(`.${domain}`)) return false
  const part = host.slice(0, host.length - domain.length - 1)
  const words = part.split(WORD_BREAK).filter((w) => w !== "")
  if (words.some((w) => SERVER_WORDS.has(w))) return false
  if (ip.family === 4 && spellsAddress(part, [...ip.bytes])) return true
  for (let i = 0; i < words.length; i++) {
    if (LINE_WORDS.has(words[i]!)) return true
    if (NUMBERED.has(words[i]!) && /^\d+$/.test(words[i + 1] ?? "")) return true
  }
  return false
}

/** Whether the origin hop's reverse DNS name or HELO looks like a customer's line. */
export const dynamicOrigin = (received: ReadonlyArray<ReceivedHop>): boolean => {
  const origin = originHop(received)
  if (origin === undefined) return false
  return looksDynamic(origin.hop.rdns, origin.ip) || looksDynamic(origin.hop.helo, origin.ip)
}
