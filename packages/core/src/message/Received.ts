/**
 * One `Received:` field to a `ReceivedHop` (RFC 5321 §4.4 plus what real MTAs write).
 *
 * Formats covered (from clause):
 * - Postfix / Sendmail / Gmail: `from HELO (RDNS [IP])`, `(unknown [IP])`, `(user@RDNS [IP])`,
 *   `(RDNS. [IP])`, `[IPv6:…]`, `(may be forged)`;
 * - Exim: `from RDNS ([IP]:port helo=HELO)`, `from [IP] (helo=HELO)`, classic `from RDNS (HELO) [IP]`;
 * - qmail: `from RDNS (HELO helo) (IP)`, `(user@IP)`, `from unknown (HELO x) ([IP])`;
 * - Exchange: `from HOST (IP)` with bare IPv4/IPv6 in parentheses.
 *
 * The IP the receiving host recorded wins over anything the client claimed: addresses inside
 * comments come first, then a literal after the comments, and the `from` token (which may be the
 * client's own HELO literal) only last. Every `ip` is normalised by `IpAddress.parse`, so it is
 * always a valid address. Only the first 4 KiB of a field is examined (header bombs).
 *
 * @category parsers
 * @since 0.1.0
 */
import * as IpAddress from "../dns/IpAddress.ts"
import type { ReceivedHop } from "../MessageTypes.ts"
import { isWhitespace } from "./Whitespace.ts"

const MAX_PARSE = 4096
const MAX_NAME = 255

// The clause keywords, lower case; only `from` and `by` are kept, the others end a clause.
const KEYWORDS = ["from", "by", "via", "with", "id", "for"]
const FROM = 0
const BY = 1

/** The keyword `text[i, j)` spells in any case (its index in `KEYWORDS`), or -1. */
const keywordAt = (text: string, i: number, j: number): number => {
  const n = j - i
  if (n < 2 || n > 4) return -1
  search: for (let k = 0; k < KEYWORDS.length; k++) {
    const word = KEYWORDS[k]!
    if (word.length !== n) continue
    for (let m = 0; m < n; m++) if ((text.charCodeAt(i + m) | 0x20) !== word.charCodeAt(m)) continue search
    return k
  }
  return -1
}

// What `\s` matches (and `String.prototype.trim` removes), and NUL.
const isBlank = (c: number): boolean => c === 0 || isWhitespace(c)

/** Where the clauses a hop reads lie in the field: `[start, end)` of each, -1 when absent. */
interface Clauses {
  fromStart: number
  fromEnd: number
  byStart: number
  byEnd: number
}

/**
 * Splits `from … by … with …` in `text[0, length)` (the raw field) at keywords outside parentheses; the first
 * clause of each keyword counts. A word is a run of non-blanks (any run of blanks separates, as
 * the folded text's single spaces would); a word is skipped whole, parentheses inside it
 * included. Only the bounds of the `from` and `by` clauses are kept: the field is not copied.
 */
const clauses = (text: string, length: number): Clauses => {
  let fromStart = -1
  let fromEnd = -1
  let byStart = -1
  let byEnd = -1
  let depth = 0
  let current = -1
  let start = 0
  let i = 0
  for (;;) {
    // The clause that ends here (at a keyword, or at `length`) is kept if it is the first of its kind.
    let next = -1
    let end = length
    while (i < length) {
      const c = text.charCodeAt(i)
      if (c === 0x28 || c === 0x29) {
        // A stray `)` at the top level is passed over.
        depth = c === 0x28 ? depth + 1 : Math.max(0, depth - 1)
        i++
        continue
      }
      if (depth === 0 && !isBlank(c) && (i === 0 || isBlank(text.charCodeAt(i - 1)))) {
        let j = i + 1
        while (j < length && !isBlank(text.charCodeAt(j))) j++
        const keyword = j < length ? keywordAt(text, i, j) : -1
        const at = i
        i = j
        if (keyword >= 0) {
          next = keyword
          end = at
          break
        }
        continue
      }
      i++
    }
    if (current === FROM && fromStart < 0) {
      fromStart = start
      fromEnd = end
    } else if (current === BY && byStart < 0) {
      byStart = start
      byEnd = end
    }
    if (next < 0) return { fromStart, fromEnd, byStart, byEnd }
    current = next
    start = i + 1
  }
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

/** A normalised IP from the text of a literal without its brackets (`1.2.3.4`, `IPv6:…`). */
const literalIp = (t: string): string | undefined => {
  if (t.length > 6 && startsWithIpv6(t, 0)) t = t.slice(5)
  return t.length >= 2 && t.length <= 45 && IP_CHARS.test(t) ? IpAddress.parse(t)?.text : undefined
}

const startsWithIpv6 = (s: string, at: number): boolean =>
  (s.charCodeAt(at) | 0x20) === 0x69 &&
  (s.charCodeAt(at + 1) | 0x20) === 0x70 &&
  (s.charCodeAt(at + 2) | 0x20) === 0x76 &&
  s.charCodeAt(at + 3) === 0x36 &&
  s.charCodeAt(at + 4) === 0x3a

/** A normalised IP from a literal (`[1.2.3.4]`, `[IPv6:…]`, `[…]:port`, bare). */
const ipOf = (token: string): string | undefined => {
  let t = token.trim()
  if (t.startsWith("[")) {
    const close = t.indexOf("]")
    t = close > 0 ? t.slice(1, close) : t.slice(1)
  }
  return literalIp(t)
}

/** Whether `[` at `i` follows `helo=`, `ehlo=`, `helo ` or `ehlo ` (any case): the client's claim. */
const claimedBefore = (s: string, i: number): boolean => {
  if (i < 5) return false
  const sep = s.charCodeAt(i - 1)
  if (sep !== 0x3d && sep !== 0x20) return false
  const first = s.charCodeAt(i - 5) | 0x20
  return (
    (first === 0x68 || first === 0x65) &&
    (s.charCodeAt(i - 4) | 0x20) === (first === 0x68 ? 0x65 : 0x68) &&
    (s.charCodeAt(i - 3) | 0x20) === 0x6c &&
    (s.charCodeAt(i - 2) | 0x20) === 0x6f
  )
}

/** The first IP in `[...]` within `s`, except a literal the client gave as its HELO (`helo=[…]`). */
const firstBracketIp = (s: string): string | undefined => {
  let i = s.indexOf("[")
  while (i >= 0) {
    const close = s.indexOf("]", i + 1)
    if (close < 0) break
    const ip = claimedBefore(s, i) ? undefined : literalIp(s.slice(i + 1, close))
    if (ip) return ip
    i = s.indexOf("[", close + 1)
  }
  return undefined
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
  if (t === "" || t.length > MAX_NAME || t.startsWith("[")) return undefined
  const lower = t.toLowerCase()
  return lower === "unknown" || (IP_CHARS.test(t) && IpAddress.isIp(t)) ? undefined : lower
}

const bounded = (s: string | undefined): string | undefined =>
  s === undefined || s === "" ? undefined : s.slice(0, MAX_NAME)

/** The first word of `raw[start, end)` (up to a blank or `(`), at most MAX_NAME characters. */
const firstToken = (raw: string, start: number, end: number): string | undefined => {
  while (start < end && isBlank(raw.charCodeAt(start))) start++
  let stop = start
  while (stop < end && !isBlank(raw.charCodeAt(stop)) && raw.charCodeAt(stop) !== 0x28) stop++
  return bounded(raw.slice(start, stop))
}

interface Identity {
  helo?: string | undefined
  rdns?: string | undefined
  ip?: string | undefined
}

const EXIM_HELO = /(?:^| )(?:helo|ehlo)=([^ ,)]+)/i
const QMAIL_HELO = /^(?:helo|ehlo) ([^ ,)]+)/i

const identify = (from: string): Identity => {
  const { head, comments, outside } = fromParts(from)
  let ip: string | undefined
  let ipComment: string | undefined
  for (const c of comments) {
    const found = firstBracketIp(c)
    if (found) {
      ip = found
      ipComment = c
      break
    }
  }
  const outsideIp = ip ? undefined : firstBracketIp(outside)
  ip ??= outsideIp
  if (!ip) {
    for (const c of comments) {
      ip = bareIp(c)
      if (ip) break
    }
  }
  ip ??= ipOf(head)

  // Claimed HELO inside a comment: Exim `helo=x`, qmail `HELO x`; then the head is the rDNS name.
  // The patterns are tried only where they can match: Exim's needs an `=`, qmail's starts with
  // `h` or `e` (the Postfix comment, the commonest, has neither).
  for (const c of comments) {
    const exim = c.includes("=") ? EXIM_HELO.exec(c) : null
    const first = c.charCodeAt(0) | 0x20
    const qmail = exim === null && (first === 0x68 || first === 0x65) ? QMAIL_HELO.exec(c) : null
    const claimed = exim?.[1] ?? qmail?.[1]
    if (claimed) return { helo: bounded(claimed), rdns: hostName(head), ip }
  }
  if (ipComment !== undefined) {
    // Postfix/Sendmail: `(rdns [ip])`; the word before the bracket is the verified name.
    const before = ipComment.slice(0, ipComment.indexOf("[")).trim()
    return { helo: bounded(head), rdns: hostName(before.slice(before.lastIndexOf(" ") + 1)), ip }
  }
  if (outsideIp && comments.length > 0 && /^[^ [\]]+$/.test(comments[0]!) && !IpAddress.isIp(comments[0]!)) {
    // Exim classic `from rdns (helo) [ip]`.
    return { helo: bounded(comments[0]), rdns: hostName(head), ip }
  }
  return { helo: bounded(head), ip }
}

/**
 * `s[start, end)` with every run of blanks (folding, tabs, NUL) as one space and none at either
 * end. Only the runs that are not already a single space cost a new piece; a range without such
 * runs is one slice.
 */
const normalise = (s: string, start: number, end: number): string => {
  let a = start
  let b = end
  while (a < b && isBlank(s.charCodeAt(a))) a++
  while (b > a && isBlank(s.charCodeAt(b - 1))) b--
  let out = ""
  let from = a
  let i = a
  while (i < b) {
    const c = s.charCodeAt(i)
    if (!isBlank(c)) {
      i++
      continue
    }
    let j = i + 1
    while (j < b && isBlank(s.charCodeAt(j))) j++
    if (j - i > 1 || c !== 0x20) {
      out += `${s.slice(from, i)} `
      from = j
    }
    i = j
  }
  return from === a ? s.slice(a, b) : out + s.slice(from, b)
}

/** Parses one Received field value; `index` is its position (0 = top-most). Never throws. */
export const parse = (raw: string, index: number): ReceivedHop => {
  // The field is read in place: blanks are folded only in the from clause and the date, the
  // strings a hop keeps (a folded field would otherwise be copied whole for every hop).
  const n = Math.min(raw.length, MAX_PARSE)
  const semi = n === 0 ? -1 : raw.lastIndexOf(";", n - 1)
  const date = semi >= 0 ? bounded(normalise(raw, semi + 1, n)) : undefined
  // Without a date the clauses end at the last non-blank: a keyword there ends the field.
  let end = semi >= 0 ? semi : n
  if (semi < 0) while (end > 0 && isBlank(raw.charCodeAt(end - 1))) end--
  const c = clauses(raw, end)
  const from = c.fromStart >= 0 ? normalise(raw, c.fromStart, c.fromEnd) : ""
  const id: Identity = from !== "" ? identify(from) : {}
  const by = c.byStart >= 0 ? firstToken(raw, c.byStart, c.byEnd) : undefined
  return { index, raw, helo: id.helo, rdns: id.rdns, ip: id.ip, by, date }
}
