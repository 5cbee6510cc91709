/**
 * URLs, host names and IP literals from text, into bounded ordered sets.
 *
 * Every scan is a single forward pass with flat patterns (maximal runs of a character class,
 * then checks on the run), so no input can make a regex backtrack quadratically. Host names
 * must end in a known ICANN public suffix (tldts); URL hosts go through the WHATWG URL parser,
 * which also normalises obfuscated IPv4 hosts (`http://3232235777/`, `http://0xC0.0xA8.1.1/`,
 * `http://0300.0250.1.1/`) to dotted quads.
 *
 * @category parsers
 * @since 0.1.0
 */
import { parse as parseDomain } from "tldts"
import * as BoundedMemo from "../BoundedMemo.ts"
import * as IpAddress from "../dns/IpAddress.ts"

const MAX_URL = 2048
const MAX_HOST = 253

/** Ordered, deduplicated, capped sets of what a message links to. */
export class Collector {
  readonly urls = new Set<string>()
  readonly hosts = new Set<string>()
  readonly ips = new Set<string>()
  constructor(readonly max: number) {}

  url(u: string): void {
    if (this.urls.size < this.max) this.urls.add(u)
  }
  host(h: string): void {
    if (this.hosts.size < this.max) this.hosts.add(h)
  }
  ip(ip: string): void {
    if (this.ips.size < this.max) this.ips.add(ip)
  }
  get full(): boolean {
    return this.urls.size >= this.max && this.hosts.size >= this.max && this.ips.size >= this.max
  }
}

const isLower = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)

/** Whether `h[a, b)` is a host-name label: 1-63 of `[a-z0-9-]`, no hyphen at either end. */
const isLabel = (h: string, a: number, b: number): boolean => {
  if (b - a < 1 || b - a > 63 || !isLower(h.charCodeAt(a)) || !isLower(h.charCodeAt(b - 1))) return false
  for (let i = a + 1; i < b - 1; i++) {
    const c = h.charCodeAt(i)
    if (!isLower(c) && c !== 0x2d) return false
  }
  return true
}

/** The lower-cased host name when it is syntactically valid and has a known public suffix. */
export const knownHost = (name: string): string | undefined => {
  const h = name.toLowerCase()
  if (h.length > MAX_HOST || !h.includes(".")) return undefined
  for (let a = 0; ; ) {
    const dot = h.indexOf(".", a)
    const b = dot < 0 ? h.length : dot
    if (!isLabel(h, a, b)) return undefined
    if (dot < 0) break
    a = dot + 1
  }
  return hasIcannSuffix(h) ? h : undefined
}

/** Whether a lower-cased, well-formed host name has a registrable domain under an ICANN suffix. */
const icannSuffixUncached = (h: string): boolean => {
  const r = parseDomain(h, { extractHostname: false, allowPrivateDomains: false, detectIp: false })
  return r.isIcann === true && r.domain !== null
}

// Messages name the same hosts again and again; the public suffix list's answer builds a result
// object each time. Keys are at most MAX_HOST characters (checked before), so the memo is bounded.
const hasIcannSuffix = BoundedMemo.make(icannSuffixUncached, { maxEntries: 256, detach: BoundedMemo.detachText })

/** The WHATWG URL parser's host name of `url` (no scheme: `http://`; unparsable: undefined). */
export const urlHostname = (url: string): string | undefined => {
  const plain = plainHostname(url)
  if (plain !== undefined) return plain
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`
  try {
    return new URL(withScheme).hostname
  } catch {
    return undefined
  }
}

/** Host of a URL: `{ ip }` for IP literals (normalised), `{ host }` for known host names. */
export const urlHost = (url: string): { host?: string; ip?: string } => {
  let hostname = urlHostname(url)
  if (hostname === undefined) return {}
  if (hostname.startsWith("[")) hostname = hostname.slice(1, -1)
  const ip = IpAddress.parse(hostname)
  if (ip) return { ip: ip.text }
  const host = knownHost(hostname.endsWith(".") ? hostname.slice(0, -1) : hostname)
  return host ? { host } : {}
}

// The URL parser builds a URL object (and, on Node, crosses into C++) for every link; most
// links are `scheme://host/...` with a host of letters, digits, dots and hyphens, whose host
// name the WHATWG parser only lower-cases. Those are answered here; anything else (a port, user
// info, percent escapes, non-ASCII, IDNA `xn--` labels, a host ending in a number, which the
// parser reads as IPv4, or no `//`) goes to the parser.

const isPlainHostChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d

/** Where the authority of `url` starts when it has a special scheme and `//` (or no scheme), else -1. */
const authorityStart = (url: string): number => {
  const colon = url.indexOf("://")
  if (colon < 0) return 0
  const scheme = url.slice(0, colon).toLowerCase()
  return scheme === "http" || scheme === "https" || scheme === "ftp" ? colon + 3 : -1
}

/** The host name the URL parser would give `url` when it can be read off as is, else undefined. */
const plainHostname = (url: string): string | undefined => {
  const start = authorityStart(url)
  if (start < 0) return undefined
  let end = start
  while (end < url.length && isPlainHostChar(url.charCodeAt(end))) end++
  if (end === start) return undefined
  if (end < url.length) {
    const stop = url.charCodeAt(end)
    // `/`, `?`, `#` and (in special schemes) a backslash end the host; anything else is not plain.
    if (stop !== 0x2f && stop !== 0x3f && stop !== 0x23 && stop !== 0x5c) return undefined
  }
  const host = url.slice(start, end).toLowerCase()
  if (host.startsWith("xn--") || host.includes(".xn--") || endsInNumber(host)) return undefined
  return host
}

/** The WHATWG "ends in a number" check over a host of plain characters (lower case). */
const endsInNumber = (host: string): boolean => {
  let end = host.length
  if (host.charCodeAt(end - 1) === 0x2e) {
    if (end === 1) return false
    end--
  }
  const start = host.lastIndexOf(".", end - 1) + 1
  if (start === end) return false
  let digits = true
  for (let i = start; i < end; i++) {
    const c = host.charCodeAt(i)
    if (c < 0x30 || c > 0x39) digits = false
  }
  if (digits) return true
  if (end - start < 2 || host.charCodeAt(start) !== 0x30 || host.charCodeAt(start + 1) !== 0x78) return false
  for (let i = start + 2; i < end; i++) {
    const c = host.charCodeAt(i)
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false
  }
  return true
}

const URL_RE = /(?:\b(?:https?|ftp):\/\/|(?<![\w.@/-])www\.)[^\s<>"'`\u00a0]+/gi
const TRAILING = ".,;:!?*'\""

const trimUrl = (u: string): string => {
  let end = u.length
  while (end > 0) {
    const ch = u[end - 1]!
    if (TRAILING.includes(ch)) end--
    else if (ch === ")" && !u.includes("(")) end--
    else if (ch === "]" && !u.includes("[")) end--
    else if (ch === ">" || ch === "}") end--
    else break
  }
  return u.slice(0, Math.min(end, MAX_URL))
}

/** Records one URL (from text or an attribute) and its host or IP; a `mailto:` link only adds its domain. */
export const addUrl = (c: Collector, raw: string): void => {
  const u = trimUrl(raw.trim())
  const lower = u.slice(0, 8).toLowerCase()
  if (lower.startsWith("mailto:")) {
    const at = u.indexOf("@")
    const end = u.indexOf("?", at)
    const host = at > 0 ? knownHost(u.slice(at + 1, end < 0 ? undefined : end)) : undefined
    if (host) c.host(host)
    return
  }
  const absolute = lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ftp://")
  const candidate = absolute ? u : lower.startsWith("www.") ? u : u.startsWith("//") ? `http:${u}` : undefined
  if (candidate === undefined || candidate.length <= 4 || c.urls.has(candidate) || c.urls.size >= c.max) return
  c.url(candidate)
  const { host, ip } = urlHost(candidate)
  if (host) c.host(host)
  if (ip) c.ip(ip)
}

/** URLs written in text (`http://`, `https://`, `ftp://`, `www.`). */
export const scanUrls = (c: Collector, text: string): void => {
  URL_RE.lastIndex = 0
  for (let m = URL_RE.exec(text); m !== null && c.urls.size < c.max; m = URL_RE.exec(text)) addUrl(c, m[0])
}

const isHostChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d
const isIpChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) || c === 0x2e || c === 0x3a
const isWordChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f

/**
 * Bare host names (`example.com`, also the domain of `a@example.com`) and IPv4/IPv6 literals in
 * text. Anchored on `.` and `:`: around each anchor the maximal run of host characters and of
 * IP characters is taken, and the search resumes after both runs, so every character is looked
 * at a constant number of times. A run becomes a string only once its shape can be a host name
 * (a dot inside it once trimmed of dots and hyphens) or an address (see `ipBounds`).
 */
export const scanBare = (c: Collector, text: string): void => {
  const n = text.length
  let from = 0
  // The next dot and colon at or after `from`, searched again only once `from` passes them (a
  // text of many dots and no colon would otherwise be searched to its end for every dot).
  let dot = -2
  let colon = -2
  while (from < n) {
    if (dot !== -1 && dot < from) dot = text.indexOf(".", from)
    if (colon !== -1 && colon < from) colon = text.indexOf(":", from)
    const k = dot < 0 ? colon : colon < 0 ? dot : Math.min(dot, colon)
    if (k < 0) break
    let resume = k + 1
    if (text.charCodeAt(k) === 0x2e) {
      let a = k
      while (a > from && isHostChar(text.charCodeAt(a - 1))) a--
      let b = k + 1
      while (b < n && isHostChar(text.charCodeAt(b))) b++
      if (b - a <= MAX_HOST + 2) {
        // The run without dots and hyphens at its ends (what `knownHost` would be given).
        let ta = a
        let tb = b
        while (ta < tb && isDotOrHyphen(text.charCodeAt(ta))) ta++
        while (tb > ta && isDotOrHyphen(text.charCodeAt(tb - 1))) tb--
        const inner = text.indexOf(".", ta)
        if (inner >= 0 && inner < tb) {
          const host = knownHost(text.slice(ta, tb))
          if (host) c.host(host)
        }
      }
      resume = b
    }
    let a = k
    while (a > from && isIpChar(text.charCodeAt(a - 1))) a--
    let b = k + 1
    while (b < n && isIpChar(text.charCodeAt(b))) b++
    const len = b - a
    if (
      len >= 7 &&
      len <= 47 &&
      !(a > 0 && isWordChar(text.charCodeAt(a - 1))) &&
      !(b < n && isWordChar(text.charCodeAt(b)))
    ) {
      const end = ipEnd(text, a, b)
      if (end >= 0) {
        const ip = IpAddress.parse(text.slice(ipStart(text, a, b), end))?.text
        if (ip) c.ip(ip)
      }
    }
    from = Math.max(resume, b)
  }
}

const isDotOrHyphen = (c: number): boolean => c === 0x2e || c === 0x2d

// An IP run `text[a, b)` is trimmed of one leading `:` (not `::`), trailing dots and one trailing
// `:` (not `::`); `192.0.2.1:8080` loses its port. Shapes that cannot be an address are refused
// before any string is made: no colon and not exactly three dots, or one colon, or fewer than
// three non-empty colon-separated groups.

/** Where the candidate starts: after a lone leading `:`. */
const ipStart = (text: string, a: number, b: number): number =>
  text.charCodeAt(a) === 0x3a && !(b - a >= 2 && text.charCodeAt(a + 1) === 0x3a) ? a + 1 : a

/** Where the candidate ends, or -1 when its shape is not an address's. */
const ipEnd = (text: string, a: number, b: number): number => {
  const start = ipStart(text, a, b)
  let end = b
  while (end > start && text.charCodeAt(end - 1) === 0x2e) end--
  if (end > start && text.charCodeAt(end - 1) === 0x3a && !(end - start >= 2 && text.charCodeAt(end - 2) === 0x3a))
    end--
  let dots = 0
  let colons = 0
  let firstColon = -1
  let lastDot = -1
  let groups = 0
  let inGroup = false
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 0x3a) {
      if (firstColon < 0) firstColon = i
      colons++
      inGroup = false
    } else {
      if (ch === 0x2e) {
        dots++
        lastDot = i
      }
      if (!inGroup) groups++
      inGroup = true
    }
  }
  if (colons === 1 && dots === 3 && firstColon > lastDot) return firstColon // `192.0.2.1:8080`
  if (colons === 0) return dots === 3 ? end : -1
  return colons < 2 || groups < 3 ? -1 : end
}
