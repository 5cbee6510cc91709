// Extract.ts as it was before scanBare and knownHost stopped slicing every run and label: the
// oracle BareScan.test.ts compares the current scans with. Kept verbatim but for imports.
import { parse as parseDomain } from "tldts"
import * as IpAddress from "../../../src/dns/IpAddress.ts"

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

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** The lower-cased host name when it is syntactically valid and has a known public suffix. */
export const knownHost = (name: string): string | undefined => {
  const h = name.toLowerCase()
  if (h.length > MAX_HOST || !h.includes(".")) return undefined
  for (const label of h.split(".")) if (!LABEL.test(label)) return undefined
  const r = parseDomain(h, { extractHostname: false, allowPrivateDomains: false, detectIp: false })
  return r.isIcann === true && r.domain !== null ? h : undefined
}

/** Host of a URL: `{ ip }` for IP literals (normalised), `{ host }` for known host names. */
export const urlHost = (url: string): { host?: string; ip?: string } => {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`
  let hostname: string
  try {
    hostname = new URL(withScheme).hostname
  } catch {
    return {}
  }
  if (hostname.startsWith("[")) hostname = hostname.slice(1, -1)
  const ip = IpAddress.parse(hostname)
  if (ip) return { ip: ip.text }
  const host = knownHost(hostname.endsWith(".") ? hostname.slice(0, -1) : hostname)
  return host ? { host } : {}
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

const trimHost = (run: string): string => {
  let a = 0
  let b = run.length
  while (a < b && (run[a] === "." || run[a] === "-")) a++
  while (b > a && (run[b - 1] === "." || run[b - 1] === "-")) b--
  return run.slice(a, b)
}

/**
 * Bare host names (`example.com`, also the domain of `a@example.com`) and IPv4/IPv6 literals in
 * text. Anchored on `.` and `:`: around each anchor the maximal run of host characters and of
 * IP characters is taken, and the search resumes after both runs, so every character is looked
 * at a constant number of times.
 */
export const scanBare = (c: Collector, text: string): void => {
  const n = text.length
  let from = 0
  while (from < n) {
    const dot = text.indexOf(".", from)
    const colon = text.indexOf(":", from)
    const k = dot < 0 ? colon : colon < 0 ? dot : Math.min(dot, colon)
    if (k < 0) break
    let resume = k + 1
    if (text.charCodeAt(k) === 0x2e) {
      let a = k
      while (a > from && isHostChar(text.charCodeAt(a - 1))) a--
      let b = k + 1
      while (b < n && isHostChar(text.charCodeAt(b))) b++
      if (b - a <= MAX_HOST + 2) {
        const host = knownHost(trimHost(text.slice(a, b)))
        if (host) c.host(host)
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
      const ip = ipCandidate(text.slice(a, b))
      if (ip) c.ip(ip)
    }
    from = Math.max(resume, b)
  }
}

const ipCandidate = (run: string): string | undefined => {
  let s = run
  if (s.startsWith(":") && !s.startsWith("::")) s = s.slice(1)
  while (s.endsWith(".")) s = s.slice(0, -1)
  if (s.endsWith(":") && !s.endsWith("::")) s = s.slice(0, -1)
  const dots = s.split(".").length - 1
  let colons = s.split(":").length - 1
  if (colons === 1 && dots === 3 && s.indexOf(":") > s.lastIndexOf(".")) {
    s = s.slice(0, s.indexOf(":")) // `192.0.2.1:8080`
    colons = 0
  }
  if (colons === 0 && dots !== 3) return undefined
  if (colons > 0) {
    // Require a real-looking IPv6 text: three or more groups (not `a::b`, times like `12:30:45` fail parse).
    const groups = s.split(":").filter((g) => g !== "").length
    if (colons < 2 || groups < 3) return undefined
  }
  return IpAddress.parse(s)?.text
}
