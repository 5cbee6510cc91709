// Received.parse as it was before its keyword and bracket scans stopped slicing strings: the
// oracle ReceivedScan.test.ts compares the current parser with. Kept verbatim but for imports.
import * as IpAddress from "../../../src/dns/IpAddress.ts"
import type { ReceivedHop } from "../../../src/MessageTypes.ts"

const MAX_PARSE = 4096
const MAX_NAME = 255
const KEYWORDS = new Set(["from", "by", "via", "with", "id", "for"])

interface Clauses {
  from?: string
  by?: string
}

/** Splits `from … by … with …` at keywords outside parentheses. */
const clauses = (text: string): Clauses => {
  const out: { [k: string]: string } = {}
  let depth = 0
  let current: string | undefined
  let start = 0
  const close = (end: number) => {
    if (current !== undefined && out[current] === undefined) out[current] = text.slice(start, end).trim()
  }
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 0x28) {
      depth++
      i++
      continue
    }
    if (c === 0x29) {
      if (depth > 0) depth--
      i++
      continue
    }
    if (depth === 0 && c !== 0x20 && (i === 0 || text.charCodeAt(i - 1) === 0x20)) {
      let j = text.indexOf(" ", i)
      if (j < 0) j = text.length
      const word = j - i <= 4 ? text.slice(i, j).toLowerCase() : ""
      if (KEYWORDS.has(word) && j < text.length) {
        close(i)
        current = word
        start = j + 1
      }
      i = j
      continue
    }
    i++
  }
  close(text.length)
  return out
}

interface FromParts {
  head: string
  comments: Array<string>
  outside: string
}

/** The first token, the top-level comments (nested ones flattened into them) and the rest. */
const fromParts = (from: string): FromParts => {
  let i = 0
  while (i < from.length && from.charCodeAt(i) !== 0x20 && from.charCodeAt(i) !== 0x28) i++
  const head = from.slice(0, i)
  const comments: Array<string> = []
  let outside = ""
  let depth = 0
  let mark = i // start of the pending outside text or comment text
  let comment = ""
  for (; i < from.length; i++) {
    const c = from.charCodeAt(i)
    if (c === 0x28) {
      if (depth === 0) outside += from.slice(mark, i)
      else comment += `${from.slice(mark, i)} `
      depth++
      mark = i + 1
    } else if (c === 0x29 && depth > 0) {
      comment += from.slice(mark, i)
      depth--
      if (depth === 0) {
        comments.push(comment.trim())
        comment = ""
      } else comment += " "
      mark = i + 1
    }
  }
  if (depth === 0) outside += from.slice(mark)
  else {
    comment += from.slice(mark)
    if (comment.trim() !== "") comments.push(comment.trim())
  }
  return { head, comments, outside }
}

const IP_CHARS = /^[0-9a-f:.]+$/i

/** A normalised IP from a literal (`[1.2.3.4]`, `[IPv6:…]`, `[…]:port`, bare). */
const ipOf = (token: string): string | undefined => {
  let t = token.trim()
  if (t.startsWith("[")) {
    const close = t.indexOf("]")
    t = close > 0 ? t.slice(1, close) : t.slice(1)
  }
  if (t.length > 6 && t.slice(0, 5).toLowerCase() === "ipv6:") t = t.slice(5)
  return t.length >= 2 && t.length <= 45 && IP_CHARS.test(t) ? IpAddress.parse(t)?.text : undefined
}

const CLAIMED_BEFORE = /(?:helo|ehlo)[= ]$/i

/** IPs in `[...]` within `s`, in order, except a literal the client gave as its HELO (`helo=[…]`). */
const bracketIps = (s: string): Array<string> => {
  const out: Array<string> = []
  let i = s.indexOf("[")
  while (i >= 0) {
    const close = s.indexOf("]", i + 1)
    if (close < 0) break
    const ip = CLAIMED_BEFORE.test(s.slice(Math.max(0, i - 5), i)) ? undefined : ipOf(s.slice(i, close + 1))
    if (ip) out.push(ip)
    i = s.indexOf("[", close + 1)
  }
  return out
}

const CLAIMED = /^(?:helo|ehlo)=/i

/** A bare IP in a comment (`(192.0.2.1)`, `(user@192.0.2.1)`, `(2603:10a6::12)`), not a claimed HELO. */
const bareIp = (comment: string): string | undefined => {
  const words = comment.split(" ")
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!
    if (CLAIMED.test(w) || (k > 0 && /^(?:helo|ehlo)$/i.test(words[k - 1]!))) continue
    const at = w.lastIndexOf("@")
    const candidate = (at >= 0 ? w.slice(at + 1) : w).replace(/[,;]+$/, "")
    const ip = candidate.includes("[") ? undefined : ipOf(candidate)
    if (ip) return ip
  }
  return undefined
}

const hostName = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined
  let t = s.trim()
  const at = t.lastIndexOf("@")
  if (at >= 0) t = t.slice(at + 1)
  while (t.endsWith(".")) t = t.slice(0, -1)
  if (
    t === "" ||
    t.length > MAX_NAME ||
    t.toLowerCase() === "unknown" ||
    t.startsWith("[") ||
    (IP_CHARS.test(t) && IpAddress.isIp(t))
  )
    return undefined
  return t.toLowerCase()
}

const bounded = (s: string | undefined): string | undefined =>
  s === undefined || s === "" ? undefined : s.slice(0, MAX_NAME)

const firstToken = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined
  const t = s.trim()
  let end = 0
  while (end < t.length && t[end] !== " " && t[end] !== "(") end++
  return bounded(t.slice(0, end))
}

interface Identity {
  helo?: string | undefined
  rdns?: string | undefined
  ip?: string | undefined
}

const identify = (from: string): Identity => {
  const { head, comments, outside } = fromParts(from)
  let ip: string | undefined
  let ipComment: string | undefined
  for (const c of comments) {
    const found = bracketIps(c)[0]
    if (found) {
      ip = found
      ipComment = c
      break
    }
  }
  const outsideIp = ip ? undefined : bracketIps(outside)[0]
  ip ??= outsideIp
  if (!ip) {
    for (const c of comments) {
      ip = bareIp(c)
      if (ip) break
    }
  }
  ip ??= ipOf(head)

  // Claimed HELO inside a comment: Exim `helo=x`, qmail `HELO x`; then the head is the rDNS name.
  for (const c of comments) {
    const exim = /(?:^| )(?:helo|ehlo)=([^ ,)]+)/i.exec(c)
    const qmail = exim ? null : /^(?:helo|ehlo) ([^ ,)]+)/i.exec(c)
    const claimed = exim?.[1] ?? qmail?.[1]
    if (claimed) return { helo: bounded(claimed), rdns: hostName(head), ip }
  }
  if (ipComment !== undefined) {
    // Postfix/Sendmail: `(rdns [ip])`; the word before the bracket is the verified name.
    const before = ipComment.slice(0, ipComment.indexOf("[")).trim().split(" ")
    return { helo: bounded(head), rdns: hostName(before[before.length - 1]), ip }
  }
  if (outsideIp && comments.length > 0 && /^[^ [\]]+$/.test(comments[0]!) && !IpAddress.isIp(comments[0]!)) {
    // Exim classic `from rdns (helo) [ip]`.
    return { helo: bounded(comments[0]), rdns: hostName(head), ip }
  }
  return { helo: bounded(head), ip }
}

/** Parses one Received field value; `index` is its position (0 = top-most). Never throws. */
export const parse = (raw: string, index: number): ReceivedHop => {
  const text = (raw.length > MAX_PARSE ? raw.slice(0, MAX_PARSE) : raw).replace(/[\s\0]+/g, " ").trim()
  const semi = text.lastIndexOf(";")
  const date = semi >= 0 ? bounded(text.slice(semi + 1).trim()) : undefined
  const c = clauses(semi >= 0 ? text.slice(0, semi) : text)
  const id: Identity = c.from !== undefined && c.from !== "" ? identify(c.from) : {}
  return { index, raw, helo: id.helo, rdns: id.rdns, ip: id.ip, by: firstToken(c.by), date }
}
