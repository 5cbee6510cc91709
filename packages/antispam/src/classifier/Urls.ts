/**
 * Evidence from the URLs found in a message: host and registrable-domain tokens (learned by the
 * token table; never path words) and URL tricks as features (IP-literal hosts, user-info before the host, numeric
 * or percent-encoded hosts, odd ports, many distinct URLs, link shorteners, hosts buried under
 * many subdomains, punycode and non-ASCII look-alike hosts, redirects to another URL).
 *
 * @category constructors
 * @since 0.1.0
 */
import { getPublicSuffix } from "tldts"
import { registrableDomain } from "./Domains.ts"
import { bucket } from "./Words.ts"

export interface UrlEvidence {
  readonly tokens: ReadonlyArray<string>
  readonly features: ReadonlyArray<string>
}

/** Links (and hosts) read per message. */
export const MAX_URLS = 100
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
/** Whether a link's host (no port) is an IP literal: a dotted IPv4 address or a bracketed IPv6 one. */
export const isIpHost = (host: string): boolean => IPV4.test(host) || host.startsWith("[")
const NUMERIC_HOST = /^(?:0x[0-9a-f]+|\d{8,10})$/i
/** Public link shorteners: the target is hidden until the click. */
const SHORTENERS = new Set([
  "bit.ly",
  "bitly.com",
  "tinyurl.com",
  "goo.gl",
  "ow.ly",
  "t.co",
  "is.gd",
  "tiny.cc",
  "buff.ly",
  "rebrand.ly",
  "cutt.ly",
  "shorturl.at",
  "rb.gy",
  "bit.do",
  "x.co",
  "s.id",
  "v.gd",
  "qr.net",
  "tr.im",
  "snipurl.com",
  "shorl.com",
  "urlz.fr",
  "t.ly"
])
/** A query value or path segment that is itself a URL: an open redirect on someone else's site. */
const REDIRECT = /[?&][a-z_]{0,20}=(?:https?(?::|%3a)|%68%74%74%70)|\/(?:https?:|https?%3a)\/?\//i

/**
 * Host names of the corpus the shipped model is trained on that name its collection, never a
 * sender: `taint.org` replaced the readers' addresses, and the collector's own machines
 * (`slashnull.org`, `jmason.org`, `netnoteinc.com`, its relay `webnote.net`) received every
 * message and generated some (RSS items). Never a token or a feature.
 */
export const isCorpusArtefactHost = (host: string): boolean =>
  /(?:^|\.)(?:taint\.org|slashnull\.org|jmason\.org|netnoteinc\.com|webnote\.net)$/i.test(host)

/** The dots in `host` before `end`: `host.slice(0, end).split(".").length - 1`, without the copies. */
export const dotsBefore = (host: string, end: number): number => {
  let dots = 0
  for (let i = 0; i < end; i++) if (host.charCodeAt(i) === 46) dots++
  return dots
}

/** Tricks in one host name: shorteners, deep subdomains, punycode, non-ASCII look-alikes. */
export const hostFeatures = (host: string, reg: string | null, features: Set<string>): void => {
  if (reg && SHORTENERS.has(reg)) features.add("url_shortener")
  // Four or more labels above the registrable domain (`paypal.com.secure.login.example.net`):
  // a familiar name in front of the real one. `www.mail.example.com` has two.
  if (reg && host.endsWith(reg) && dotsBefore(host, host.length - reg.length) >= 4) features.add("url_many_subdomains")
  if (host.includes("xn--")) features.add("url_punycode")
  // A host written in non-ASCII letters (an IDN not yet in punycode): look-alikes of Latin names.
  if (/[^\x00-\x7f]/.test(host)) features.add("url_confusable_host")
}

/**
 * Where `linkParts` found the parts of the last link it read: the scheme ends at `schemeEnd`
 * (before `://`), the authority at `authorityEnd`, the path at `pathEnd`. Module state: read
 * right after the call, so a link costs no match array and no string per part.
 */
let schemeEnd = 0
let authorityEnd = 0
let pathEnd = 0

/** An ASCII letter in either case. */
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90)

/** A character of a scheme after its first: ASCII letters and digits, `+`, `.` and `-`. */
const isSchemeChar = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45

/**
 * Whether `url` starts as `^([a-z][a-z0-9+.-]{0,15}):\/\/([^/?#]*)([^?#]*)` (case-insensitive)
 * matches, the three groups' ends left in `schemeEnd`, `authorityEnd` and `pathEnd`. No scheme
 * character is a colon, so the expression's scheme is the whole run of them, or no match; the
 * authority and the path are runs up to the first character that ends them.
 */
export const linkParts = (url: string): boolean => {
  if (!isLetter(url.charCodeAt(0))) return false
  let i = 1
  while (i < url.length && isSchemeChar(url.charCodeAt(i))) i++
  if (i > 16 || !url.startsWith("://", i)) return false
  schemeEnd = i
  i += 3
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 47 || c === 63 || c === 35) break
  }
  authorityEnd = i
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 63 || c === 35) break
  }
  pathEnd = i
  return true
}

/** The last `linkParts` call's ends, as `[scheme, authority, path]` (for tests). */
export const lastLinkParts = (): readonly [number, number, number] => [schemeEnd, authorityEnd, pathEnd]

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)

/** How many `%` and two hex digits `url[from, to)` holds, counted as `/%[0-9a-f]{2}/gi` matches them. */
export const percentEscapes = (url: string, from: number, to: number): number => {
  let n = 0
  for (let i = from; i + 2 < to; i++)
    if (url.charCodeAt(i) === 37 && isHex(url.charCodeAt(i + 1)) && isHex(url.charCodeAt(i + 2))) {
      n++
      i += 2
    }
  return n
}

/**
 * The host of an authority's `host[:port]` (a bracketed IPv6 literal with its brackets): what
 * `split(":")[0]` gives, without the array and a string per colon.
 */
export const hostOf = (hostPort: string): string => {
  if (hostPort.startsWith("[")) return hostPort.slice(0, hostPort.indexOf("]") + 1)
  const colon = hostPort.indexOf(":")
  return colon < 0 ? hostPort : hostPort.slice(0, colon)
}

/** The port after the host (`split(":")[1]`, after the `]:` of a bracketed literal); undefined without one. */
export const portOf = (hostPort: string): string | undefined => {
  if (hostPort.startsWith("[")) return hostPort.slice(hostPort.indexOf("]") + 2)
  const colon = hostPort.indexOf(":")
  if (colon < 0) return undefined
  const next = hostPort.indexOf(":", colon + 1)
  return hostPort.slice(colon + 1, next < 0 ? hostPort.length : next)
}

export const analyseUrls = (urls: ReadonlyArray<string>, hosts: ReadonlyArray<string>): UrlEvidence => {
  const tokens = new Set<string>()
  const features = new Set<string>()
  let count = 0
  let lastScheme = ""
  let schemeToken = ""
  for (const url of urls) {
    if (count >= MAX_URLS) break
    count++
    if (!linkParts(url)) continue
    // The usual scheme is the last one's, in lower case: compared in place, not sliced.
    if (schemeEnd !== lastScheme.length || !url.startsWith(lastScheme)) {
      const scheme = url.slice(0, schemeEnd).toLowerCase()
      if (scheme !== lastScheme) {
        lastScheme = scheme
        schemeToken = `url:scheme:${scheme.slice(0, 10)}`
      }
    }
    tokens.add(schemeToken)
    const authorityStart = schemeEnd + 3
    const at = url.lastIndexOf("@", authorityEnd - 1)
    if (at >= authorityStart) features.add("url_userinfo")
    const hostPort = url.slice(at >= authorityStart ? at + 1 : authorityStart, authorityEnd).toLowerCase()
    const host = hostOf(hostPort)
    const port = portOf(hostPort)
    if (port && port !== "80" && port !== "443") features.add("url_odd_port")
    if (isIpHost(host)) features.add("url_ip_literal")
    else if (NUMERIC_HOST.test(host)) features.add("url_numeric_host")
    if (host.includes("%")) features.add("url_encoded_host")
    if (percentEscapes(url, authorityEnd, pathEnd) > 5) tokens.add("url:path-encoded")
    if (REDIRECT.test(url.slice(authorityEnd, 2000))) features.add("url_redirect")
    // No tokens from path words (`click`, `images`, `jpg`): newsletters and spam share them, and
    // a table counted on one era's list mail called the other era's newsletters spam on them
    // (docs/classifier.md, round 3).
  }
  let distinct = 0
  for (const h of hosts) {
    if (distinct >= MAX_URLS) break
    const host = h.toLowerCase().slice(0, 253)
    if (isCorpusArtefactHost(host) || IPV4.test(host)) continue
    distinct++
    const reg = registrableDomain(host)
    hostFeatures(host, reg, features)
    if (reg) tokens.add(`url:dom:${reg}`)
    if (reg && reg !== host) tokens.add(`url:host:${host.slice(0, 80)}`)
    // The registrable domain is one label plus the public suffix: no second lookup needed.
    const suffix = reg ? reg.slice(reg.indexOf(".") + 1) : getPublicSuffix(host)
    if (suffix) tokens.add(`url:tld:${suffix.slice(0, 20)}`)
  }
  tokens.add(`url:count:${bucket(count, [0, 1, 3, 10, 30])}`)
  if (count >= 15) features.add("many_urls")
  return { tokens: [...tokens], features: [...features] }
}
