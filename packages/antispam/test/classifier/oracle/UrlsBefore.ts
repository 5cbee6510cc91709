// `analyseUrls` before its link parts were read by offsets (tokens21): the oracle that
// `UrlScans.test.ts` compares the new code with.
import { getPublicSuffix } from "tldts"
import { registrableDomain } from "../../../src/classifier/Domains.ts"
import { bucket } from "../../../src/classifier/Words.ts"

export interface UrlEvidence {
  readonly tokens: ReadonlyArray<string>
  readonly features: ReadonlyArray<string>
}

const MAX_URLS = 100
const PARTS = /^([a-z][a-z0-9+.-]{0,15}):\/\/([^/?#]*)([^?#]*)/i
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
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

/** Tricks in one host name: shorteners, deep subdomains, punycode, non-ASCII look-alikes. */
export const hostFeatures = (host: string, reg: string | null, features: Set<string>): void => {
  if (reg && SHORTENERS.has(reg)) features.add("url_shortener")
  // Four or more labels above the registrable domain (`paypal.com.secure.login.example.net`):
  // a familiar name in front of the real one. `www.mail.example.com` has two.
  if (reg && host.endsWith(reg) && host.slice(0, host.length - reg.length).split(".").length - 1 >= 4)
    features.add("url_many_subdomains")
  if (host.includes("xn--")) features.add("url_punycode")
  // A host written in non-ASCII letters (an IDN not yet in punycode): look-alikes of Latin names.
  if (/[^\x00-\x7f]/.test(host)) features.add("url_confusable_host")
}

export const analyseUrls = (urls: ReadonlyArray<string>, hosts: ReadonlyArray<string>): UrlEvidence => {
  const tokens = new Set<string>()
  const features = new Set<string>()
  let count = 0
  for (const url of urls) {
    if (count >= MAX_URLS) break
    count++
    const m = PARTS.exec(url)
    if (!m) continue
    const scheme = m[1]!.toLowerCase()
    const authority = m[2]!
    tokens.add(`url:scheme:${scheme.slice(0, 10)}`)
    if (authority.includes("@")) features.add("url_userinfo")
    const hostPort = authority.slice(authority.lastIndexOf("@") + 1).toLowerCase()
    const host = hostPort.startsWith("[") ? hostPort.slice(0, hostPort.indexOf("]") + 1) : hostPort.split(":")[0]!
    const port = hostPort.startsWith("[") ? hostPort.slice(hostPort.indexOf("]") + 2) : hostPort.split(":")[1]
    if (port && port !== "80" && port !== "443") features.add("url_odd_port")
    if (IPV4.test(host) || host.startsWith("[")) features.add("url_ip_literal")
    else if (NUMERIC_HOST.test(host)) features.add("url_numeric_host")
    if (host.includes("%")) features.add("url_encoded_host")
    if (/%[0-9a-f]{2}/i.test(m[3] ?? "") && (m[3]!.match(/%[0-9a-f]{2}/gi)?.length ?? 0) > 5)
      tokens.add("url:path-encoded")
    if (REDIRECT.test(url.slice(m[0].length - (m[3]?.length ?? 0), 2000))) features.add("url_redirect")
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
