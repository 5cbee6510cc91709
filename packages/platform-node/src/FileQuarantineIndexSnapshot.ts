/**
 * A checkpoint of the file quarantine's index (`<root>/index.snap`, beside the journal
 * `index.log`, see FileQuarantineIndex): every live row, in both listing orders, as the journal's
 * first `size` bytes leave them. A new process loads it and reads only the journal after those
 * bytes, instead of decoding every record of the journal.
 *
 * Layout: one ASCII header line, then a JSON body:
 * `mmqidx-snap 1 <ino> <dev> <size> <journal crc32> <records> <body crc32> <body bytes>\n`
 * `{"s":[row, ...],"r":[position, ...]}`, where the rows are in store order, each
 * `[id, received, stored, sender, from, subject, [recipients]]` or `[id, received, stored]` (an
 * entry whose text did not fit a journal record), and `r` is the received order as positions
 * in `s`. The journal is named by its inode and device, the length it covers, the CRC-32 of those
 * bytes and how many records they hold (live and dead, for the compaction's count).
 *
 * `decode` never throws: a header or body that is not exactly what `encode` wrote (torn, flipped,
 * another version's) is undefined, and so is a body whose rows are not in the orders it claims.
 * Whether it still describes the journal is the reader's check (`covers`).
 *
 * @since 0.1.0
 */
import { crc32 } from "node:zlib"
import { Quarantine } from "@mailmoat/core"
import { hasText, type IndexRow } from "./FileQuarantineIndexRecord.ts"

const { compareKeys, keyOf } = Quarantine

const MAGIC = "mmqidx-snap"
const VERSION = "1"
/** A header is far shorter; past this there is no header to find. */
export const MAX_HEADER_BYTES = 256

/** The journal prefix a snapshot describes. */
export interface JournalMark {
  readonly ino: number
  readonly dev: number
  /** Bytes of the journal covered, ending at a line end. */
  readonly size: number
  /** CRC-32 of those bytes. */
  readonly crc: number
  /** Records in those bytes, live and dead. */
  readonly records: number
}

export interface IndexSnapshot {
  readonly journal: JournalMark
  /** Ascending by store time, then id. */
  readonly stored: ReadonlyArray<IndexRow>
  /** The same rows, ascending by receipt time, then id. */
  readonly received: ReadonlyArray<IndexRow>
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0")
const ascii = new TextEncoder()

const rowArray = (r: IndexRow) =>
  hasText(r) ? [r.id, r.received, r.stored, r.sender, r.from, r.subject, r.recipients] : [r.id, r.received, r.stored]

/** The snapshot's bytes; `received` must hold the same row objects as `stored`. */
export const encode = (s: IndexSnapshot): Uint8Array => {
  const position = new Map<IndexRow, number>()
  s.stored.forEach((row, i) => position.set(row, i))
  const body = Buffer.from(
    JSON.stringify({ s: s.stored.map(rowArray), r: s.received.map((row) => position.get(row)) }),
    "utf8"
  )
  const j = s.journal
  const header = [MAGIC, VERSION, j.ino, j.dev, j.size, hex8(j.crc), j.records, hex8(crc32(body)), body.length]
  return Buffer.concat([ascii.encode(`${header.join(" ")}\n`), body])
}

/** A number as `encode` wrote it (`String(n)`: large inode numbers included), else undefined. */
const count = (s: string | undefined): number | undefined => {
  if (s === undefined || s.length > 32) return undefined
  const n = Number(s)
  return Number.isInteger(n) && n >= 0 && String(n) === s ? n : undefined
}
const checksum = (s: string | undefined): number | undefined =>
  s !== undefined && /^[0-9a-f]{8}$/.test(s) ? Number.parseInt(s, 16) : undefined

interface Header {
  readonly journal: JournalMark
  readonly bodyCrc: number
  readonly bodyBytes: number
  /** Where the body starts. */
  readonly start: number
}

/** The header line, or undefined when `bytes` do not start with one. */
export const header = (bytes: Uint8Array): Header | undefined => {
  const nl = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a)
  if (nl < 0) return undefined
  const f = Buffer.from(bytes.buffer, bytes.byteOffset, nl).toString("latin1").split(" ")
  if (f.length !== 9 || f[0] !== MAGIC || f[1] !== VERSION) return undefined
  const [ino, dev, size, records, bodyBytes] = [f[2], f[3], f[4], f[6], f[8]].map(count)
  const [crc, bodyCrc] = [f[5], f[7]].map(checksum)
  if (
    ino === undefined ||
    dev === undefined ||
    size === undefined ||
    records === undefined ||
    bodyBytes === undefined ||
    crc === undefined ||
    bodyCrc === undefined
  )
    return undefined
  return { journal: { ino, dev, size, crc, records }, bodyCrc, bodyBytes, start: nl + 1 }
}

const isString = (v: unknown): v is string => typeof v === "string"

const rowOf = (v: unknown): IndexRow | undefined => {
  if (!Array.isArray(v) || !isString(v[0]) || !isString(v[1]) || !isString(v[2])) return undefined
  if (v.length === 3) return { id: v[0], received: v[1], stored: v[2] }
  if (v.length !== 7 || !isString(v[3]) || !isString(v[4]) || !isString(v[5])) return undefined
  const p: unknown = v[6]
  if (!Array.isArray(p) || !p.every(isString)) return undefined
  // One object shape for every row, as the journal's decoder builds them.
  return { id: v[0], received: v[1], stored: v[2], sender: v[3], from: v[4], subject: v[5], recipients: p }
}

const ascending = (rows: ReadonlyArray<IndexRow>, order: "stored" | "received") => {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!
    const b = rows[i]!
    if (compareKeys(keyOf(a, order), a.id, keyOf(b, order), b.id) >= 0) return false
  }
  return true
}

/** The rows of a body, or undefined unless they are whole, distinct and in both orders. */
const bodyOf = (json: unknown): Pick<IndexSnapshot, "stored" | "received"> | undefined => {
  if (typeof json !== "object" || json === null) return undefined
  const { s, r } = json as { s?: unknown; r?: unknown }
  if (!Array.isArray(s) || !Array.isArray(r) || r.length !== s.length) return undefined
  const stored: Array<IndexRow> = new Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const row = rowOf(s[i])
    if (row === undefined) return undefined
    stored[i] = row
  }
  const seen = new Uint8Array(s.length)
  const received: Array<IndexRow> = new Array(r.length)
  for (let i = 0; i < r.length; i++) {
    const at: unknown = r[i]
    if (typeof at !== "number" || !Number.isInteger(at) || at < 0 || at >= s.length || seen[at]) return undefined
    seen[at] = 1
    received[i] = stored[at]!
  }
  // Strictly ascending (key, id) in store order also means the ids are distinct.
  return ascending(stored, "stored") && ascending(received, "received") ? { stored, received } : undefined
}

/** The snapshot in `bytes`, or undefined when they are not one, whole and intact. */
export const decode = (bytes: Uint8Array): IndexSnapshot | undefined => {
  const h = header(bytes)
  if (h === undefined || bytes.length - h.start !== h.bodyBytes) return undefined
  const body = bytes.subarray(h.start)
  if (crc32(body) !== h.bodyCrc) return undefined
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString("utf8"))
  } catch {
    return undefined
  }
  const rows = bodyOf(json)
  return rows && { journal: h.journal, ...rows }
}

/** True when the journal `bytes` (read from its start, of file `file`) begin with what `mark` covers. */
export const covers = (
  mark: JournalMark,
  file: { readonly ino: number; readonly dev: number },
  bytes: Uint8Array
): boolean =>
  mark.ino === file.ino &&
  mark.dev === file.dev &&
  mark.size <= bytes.length &&
  (mark.size === 0 || bytes[mark.size - 1] === 0x0a) &&
  crc32(bytes.subarray(0, mark.size)) === mark.crc
