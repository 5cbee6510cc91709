/**
 * An answer packet read (RFC 1035 §4.1): the header, the echoed question, and the records of the
 * asked type reached from the question's name through the CNAME chain inside the answer section,
 * with the smallest TTL along the way (the chain's CNAMEs included, as c-ares counts them for A).
 *
 * Every section is walked, so a count that claims more records than the packet holds, a record
 * overrunning the packet is a `WireError`; so is an answer record of a class
 * other than IN. A truncated (TC) answer is read only to its question: its records may be cut
 * short, and the caller asks again over TCP anyway.
 *
 * @category models
 * @since 0.1.0
 */
import type { RecordType } from "../Dns.ts"
import { foldCase, readName, skipName } from "./Name.ts"
import { CLASS_IN, TYPE_CNAME, TYPE_CODES } from "./Query.ts"
import { ipv4Text, ipv6Text, txtText } from "./RecordText.ts"
import { type WireError, wireError } from "./WireError.ts"

/** RFC 1035 §4.1.1 / RFC 6895 response codes the resolver tells apart. */
export const RCODE = { NoError: 0, FormErr: 1, ServFail: 2, NxDomain: 3, NotImp: 4, Refused: 5 } as const

/** How many CNAMEs a chain may have before the answer counts as having none of the asked type. */
const MAX_CHAIN = 16

export interface Header {
  readonly id: number
  readonly isResponse: boolean
  readonly truncated: boolean
  readonly rcode: number
  readonly qdcount: number
  readonly ancount: number
  readonly nscount: number
  readonly arcount: number
}

export interface Answer {
  readonly header: Header
  /** The echoed question: where it sits (for a byte comparison with the one asked) and its name. */
  readonly questionStart: number
  readonly questionEnd: number
  readonly questionName: string
  readonly questionType: number
  readonly questionClass: number
  /** The asked type's records as text, in packet order; empty for NODATA, NXDOMAIN or TC. */
  readonly records: ReadonlyArray<string>
  /** The smallest TTL of those records and the CNAMEs leading to them (Infinity when none). */
  readonly ttlSeconds: number
}

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!

/** RFC 2181 §8: a TTL with the top bit set is read as zero. */
const ttlAt = (b: Uint8Array, at: number): number => {
  const ttl = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0
  return ttl > 0x7fffffff ? 0 : ttl
}

/** The 12-byte header, or a `WireError` when the packet is shorter. */
export const readHeader = (b: Uint8Array): Header | WireError => {
  if (b.length < 12) return wireError("Truncated", `packet of ${b.length} bytes has no header`)
  return {
    id: u16(b, 0),
    isResponse: (b[2]! & 0x80) !== 0,
    truncated: (b[2]! & 0x02) !== 0,
    rcode: b[3]! & 0x0f,
    qdcount: u16(b, 4),
    ancount: u16(b, 6),
    nscount: u16(b, 8),
    arcount: u16(b, 10)
  }
}

interface Candidate {
  readonly owner: string
  readonly type: number
  readonly ttl: number
  /** The record's text (asked type) or target key (CNAME). */
  readonly value: string
}

/** Reads one record's data of the asked type or a CNAME; undefined for types nobody asked. */
const recordValue = (
  b: Uint8Array,
  type: number,
  asked: number,
  start: number,
  end: number
): string | undefined | WireError => {
  if (type === TYPE_CNAME) {
    const n = readName(b, start)
    if ("_tag" in n) return n
    return n.next === end ? foldCase(n.text) : wireError("BadRecord", `CNAME at ${start} does not fill its record`)
  }
  if (type !== asked) return undefined
  switch (type) {
    case 1:
      return end - start === 4 ? ipv4Text(b, start) : wireError("BadRecord", `A of ${end - start} bytes`)
    case 28:
      return end - start === 16 ? ipv6Text(b, start) : wireError("BadRecord", `AAAA of ${end - start} bytes`)
    case 16:
      return txtText(b, start, end) ?? wireError("BadRecord", `TXT at ${start} overruns its record`)
    case 12: {
      const n = readName(b, start)
      if ("_tag" in n) return n
      return n.next === end ? n.text : wireError("BadRecord", `PTR at ${start} does not fill its record`)
    }
    case 15: {
      if (end - start < 3) return wireError("BadRecord", `MX of ${end - start} bytes`)
      const n = readName(b, start + 2)
      if ("_tag" in n) return n
      return n.next === end
        ? `${u16(b, start)} ${n.text}`
        : wireError("BadRecord", `MX at ${start} does not fill its record`)
    }
    default:
      return undefined
  }
}

/** No record of the asked type. */
const NONE: Pick<Answer, "records" | "ttlSeconds"> = { records: [], ttlSeconds: Number.POSITIVE_INFINITY }

/** Follows the CNAME chain from the question's name to the records of the asked type. */
const follow = (
  candidates: ReadonlyArray<Candidate>,
  qname: string,
  asked: number
): Pick<Answer, "records" | "ttlSeconds"> => {
  let target = foldCase(qname)
  let ttl = Number.POSITIVE_INFINITY
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    const records: Array<string> = []
    let minimum = ttl
    let alias: Candidate | undefined
    for (const c of candidates) {
      if (c.owner !== target) continue
      if (c.type === asked) {
        records.push(c.value)
        if (c.ttl < minimum) minimum = c.ttl
      } else if (alias === undefined) alias = c
    }
    if (records.length > 0) return { records, ttlSeconds: minimum }
    if (alias === undefined) break
    if (alias.ttl < ttl) ttl = alias.ttl
    target = alias.value
  }
  return { records: [], ttlSeconds: Number.POSITIVE_INFINITY }
}

/** Reads an answer to a question of `type`; never throws, whatever the bytes. */
export const decodeAnswer = (b: Uint8Array, type: RecordType): Answer | WireError => {
  const header = readHeader(b)
  if ("_tag" in header) return header
  if (header.qdcount !== 1) return wireError("BadHeader", `${header.qdcount} questions`)
  const q = readName(b, 12)
  if ("_tag" in q) return q
  if (q.next + 4 > b.length) return wireError("Truncated", "question runs past the packet")
  const answer = (found: Pick<Answer, "records" | "ttlSeconds">): Answer => ({
    header,
    questionStart: 12,
    questionEnd: q.next + 4,
    questionName: q.text,
    questionType: u16(b, q.next),
    questionClass: u16(b, q.next + 2),
    records: found.records,
    ttlSeconds: found.ttlSeconds
  })
  if (header.truncated) return answer(NONE)
  const asked = TYPE_CODES[type]
  const candidates: Array<Candidate> = []
  let at = q.next + 4
  const total = header.ancount + header.nscount + header.arcount
  for (let i = 0; i < total; i++) {
    // Past the answer section only the record's extent matters: its owner is walked, not spelt
    // (an NXDOMAIN carries a SOA there).
    const owner = i < header.ancount ? readName(b, at) : skipName(b, at)
    if (typeof owner !== "number" && "_tag" in owner) return owner
    const ownerText = typeof owner === "number" ? "" : owner.text
    at = typeof owner === "number" ? owner : owner.next
    if (at + 10 > b.length) return wireError("Truncated", `record ${i} runs past the packet`)
    const rtype = u16(b, at)
    const rclass = u16(b, at + 2)
    const ttl = ttlAt(b, at + 4)
    const start = at + 10
    const end = start + u16(b, at + 8)
    if (end > b.length) return wireError("Truncated", `record ${i}'s data runs past the packet`)
    at = end
    if (i >= header.ancount) continue
    if (rclass !== CLASS_IN) return wireError("WrongClass", `answer record ${i} of class ${rclass}`)
    const value = recordValue(b, rtype, asked, start, end)
    if (value === undefined) continue
    if (typeof value !== "string") return value
    candidates.push({ owner: foldCase(ownerText), type: rtype, ttl, value })
  }
  // Bytes after the last record are ignored, as c-ares ignores them (some servers echo the
  // question's OPT record after zeroing ARCOUNT).
  return answer(candidates.length === 0 ? NONE : follow(candidates, q.text, asked))
}
