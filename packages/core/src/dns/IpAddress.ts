/**
 * IP address parsing for DNS work, in plain TS (core must not import `node:net`).
 *
 * `parse` accepts dotted-quad IPv4, any RFC 4291 text form of IPv6 (including `::` and an
 * embedded dotted quad) and normalises IPv4-mapped IPv6 (`::ffff:192.0.2.1`) to IPv4, because
 * RFC 5782 lists are queried with the IPv4 form. Zone ids (`fe80::1%eth0`) are rejected.
 *
 * `reverseName` builds the RFC 5782 §2 query label: reversed octets for IPv4, 32 reversed
 * nibbles for IPv6.
 *
 * **Gotchas**
 * `parse` answers from a small memo of recent texts (a message's hops, answers and body IPs are
 * parsed again by each stage that reads them): the same text gives the same frozen object, whose
 * `bytes` are shared and must never be written.
 *
 * @category models
 * @since 0.1.0
 */
import * as BoundedMemo from "../BoundedMemo.ts"

export interface Ipv4 {
  readonly family: 4
  readonly bytes: Uint8Array
  readonly text: string
}
export interface Ipv6 {
  readonly family: 6
  readonly bytes: Uint8Array
  readonly text: string
}
export type Ip = Ipv4 | Ipv6

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

const parseV4Bytes = (s: string): Uint8Array | undefined => {
  const m = V4.exec(s)
  if (!m) return undefined
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1]!
    if (part.length > 1 && part.startsWith("0")) return undefined // octal-looking forms are ambiguous
    const n = Number(part)
    if (n > 255) return undefined
    out[i] = n
  }
  return out
}

const parseV6Bytes = (input: string): Uint8Array | undefined => {
  let s = input
  const tail: Array<number> = []
  const lastColon = s.lastIndexOf(":")
  if (lastColon >= 0 && s.slice(lastColon + 1).includes(".")) {
    const v4 = parseV4Bytes(s.slice(lastColon + 1))
    if (!v4) return undefined
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
    const head = s.slice(0, lastColon + 1)
    s = head.endsWith("::") ? head : s.slice(0, lastColon)
  }
  const halves = s.split("::")
  if (halves.length > 2) return undefined
  const group = (g: string): Array<number> | undefined => {
    if (g === "") return []
    const out: Array<number> = []
    for (const p of g.split(":")) {
      if (!/^[0-9a-f]{1,4}$/i.test(p)) return undefined
      out.push(Number.parseInt(p, 16))
    }
    return out
  }
  const head = group(halves[0]!)
  const rest = halves.length === 2 ? group(halves[1]!) : []
  if (!head || !rest) return undefined
  const right = [...rest, ...tail]
  let words: Array<number>
  if (halves.length === 2) {
    const fill = 8 - head.length - right.length
    if (fill < 1) return undefined
    words = [...head, ...new Array<number>(fill).fill(0), ...right]
  } else {
    words = [...head, ...tail]
  }
  if (words.length !== 8) return undefined
  const bytes = new Uint8Array(16)
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8
    bytes[i * 2 + 1] = w & 0xff
  })
  return bytes
}

const v6Text = (bytes: Uint8Array): string => {
  const words: Array<number> = []
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!)
  // RFC 5952: compress the longest run (length >= 2) of zero words, first one on ties.
  let best = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  const hex = words.map((w) => w.toString(16))
  if (best < 0) return hex.join(":")
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`
}

/**
 * Text that cannot be an address whatever the general path would trim: no `:` (so not IPv6) and
 * an ASCII letter, `-` or `_` (never in a dotted quad). Host names, the commonest non-address
 * input, are refused here without the general path's copies.
 */
const isNamed = (s: string): boolean => {
  let named = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x3a) return false
    if (((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x2d || c === 0x5f) named = true
  }
  return named
}

/**
 * A canonical dotted quad (what every hop, answer and list entry mostly is) read without the
 * regular expressions and string copies of the general path: 1-3 digits per part, no leading
 * zero, at most 255. Anything else is left to the general path.
 */
const canonicalV4 = (s: string): Uint8Array | undefined => {
  if (s.length < 7 || s.length > 15) return undefined
  const out = new Uint8Array(4)
  let part = 0
  let value = 0
  let digits = 0
  for (let i = 0; i <= s.length; i++) {
    const c = i === s.length ? 0x2e : s.charCodeAt(i)
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return undefined
      out[part++] = value
      value = 0
      digits = 0
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return undefined // a leading zero (octal-looking)
      value = value * 10 + (c - 0x30)
      if (++digits > 3 || value > 255) return undefined
    } else return undefined
  }
  return part === 4 ? out : undefined
}

/** Parses an IP address without the cache (what `parse` gives, a new object each time). */
export const parseUncached = (input: string): Ip | undefined => {
  const quad = canonicalV4(input)
  if (quad) return { family: 4, bytes: quad, text: input }
  if (isNamed(input)) return undefined
  const s = input
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
  if (s.length === 0 || s.length > 45) return undefined
  const v4 = parseV4Bytes(s)
  if (v4) return { family: 4, bytes: v4, text: Array.from(v4).join(".") }
  if (!s.includes(":")) return undefined
  const v6 = parseV6Bytes(s)
  if (!v6) return undefined
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff
  if (mapped) {
    const b = v6.slice(12)
    return { family: 4, bytes: b, text: Array.from(b).join(".") }
  }
  return { family: 6, bytes: v6, text: v6Text(v6) }
}

/** Longer text is never an address however it is written (45 characters, brackets and spaces aside). */
const MAX_KEPT_INPUT = 64

/**
 * A `parse` that keeps the answers for the last `maxEntries` texts it was given (the oldest
 * dropped first), so text seen again costs a lookup instead of a new object and its `Uint8Array`.
 * Host names, the commonest text that is not an address, are refused before the memo (`isNamed`).
 */
export const makeParse = (maxEntries: number): ((input: string) => Ip | undefined) => {
  const remembered = BoundedMemo.make((input: string) => frozen(parseUncached(input)), {
    maxEntries,
    keep: (input) => input.length <= MAX_KEPT_INPUT,
    detach: BoundedMemo.detachText
  })
  return (input) => (isNamed(input) ? undefined : remembered(input))
}

const frozen = (ip: Ip | undefined): Ip | undefined => (ip === undefined ? undefined : Object.freeze(ip))

/**
 * Parses an IP address; IPv4-mapped IPv6 becomes IPv4. Returns undefined for anything else.
 * The answer may be shared with other callers (recent ones are remembered): never change it.
 */
export const parse: (input: string) => Ip | undefined = makeParse(128)

export const isIp = (input: string): boolean => parse(input) !== undefined

/** RFC 5782 §2 label: `2.0.0.127` for 127.0.0.2, 32 nibbles for IPv6. */
export const reverseLabel = (ip: Ip): string => {
  if (ip.family === 4) return Array.from(ip.bytes).reverse().join(".")
  const nibbles: Array<string> = []
  for (const b of ip.bytes) nibbles.push((b >> 4).toString(16), (b & 0xf).toString(16))
  return nibbles.reverse().join(".")
}

/** The PTR name of an address (`in-addr.arpa` / `ip6.arpa`). */
export const ptrName = (ip: Ip): string => `${reverseLabel(ip)}.${ip.family === 4 ? "in-addr.arpa" : "ip6.arpa"}`
