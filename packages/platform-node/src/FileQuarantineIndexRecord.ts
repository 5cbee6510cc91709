/**
 * One line of the file quarantine's index journal (`<root>/index.log`, see
 * FileQuarantineIndex): `<crc32 of the JSON, 8 hex digits> <JSON>\n`, where the JSON is
 * - `{"a":id,"r":received,"t":stored,"s":sender,"f":from,"j":subject,"p":[recipients]}`: added,
 *   with the listing's fields (`Quarantine.ListRow`);
 * - `{"a":id,"r":received,"t":stored,"x":1}`: added, text left out because the line would pass
 *   `MAX_RECORD_BYTES` (a filter on text loads that entry's metadata instead);
 * - `{"d":id}`: removed.
 *
 * The checksum tells a record from a torn or overwritten one; `decode` never throws, whatever
 * the bytes. Lines stay under `MAX_RECORD_BYTES` so that one `write` carries one whole record.
 *
 * @since 0.1.0
 */
import type { Quarantine } from "@mailmoat/core"

/** Whole records only: one append is one `write` of at most this many bytes (Linux PIPE_BUF). */
export const MAX_RECORD_BYTES = 4096

/** An entry's row, or only its times when its text did not fit a record. */
export type IndexRow = Quarantine.ListRow | Omit<Quarantine.ListRow, "sender" | "from" | "subject" | "recipients">

export const hasText = (row: IndexRow): row is Quarantine.ListRow => "recipients" in row

export type IndexRecord =
  | { readonly kind: "add"; readonly row: IndexRow }
  | { readonly kind: "remove"; readonly id: string }

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (IEEE), as zip and gzip compute it. */
export const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0")
const utf8 = new TextEncoder()

const line = (json: string): Uint8Array => {
  const body = utf8.encode(json)
  return utf8.encode(`${hex8(crc32(body))} ${json}\n`)
}

/** The record as one line, ending in `\n`, never longer than `MAX_RECORD_BYTES`. */
export const encode = (record: IndexRecord): Uint8Array => {
  if (record.kind === "remove") return line(JSON.stringify({ d: record.id }))
  const r = record.row
  const times = { a: r.id, r: r.received, t: r.stored }
  if (hasText(r)) {
    const full = line(JSON.stringify({ ...times, s: r.sender, f: r.from, j: r.subject, p: r.recipients }))
    if (full.length <= MAX_RECORD_BYTES) return full
  }
  return line(JSON.stringify({ ...times, x: 1 }))
}

const isString = (v: unknown): v is string => typeof v === "string"

const fromJson = (v: unknown): IndexRecord | undefined => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined
  const o = v as Record<string, unknown>
  if (isString(o.d)) return { kind: "remove", id: o.d }
  if (!isString(o.a) || !isString(o.r) || !isString(o.t)) return undefined
  if (o.x === 1) return { kind: "add", row: { id: o.a, received: o.r, stored: o.t } }
  if (!isString(o.s) || !isString(o.f) || !isString(o.j) || !Array.isArray(o.p) || !o.p.every(isString))
    return undefined
  // One object shape for every row: a journal of 50,000 rows is read at a process's first listing.
  return {
    kind: "add",
    row: { id: o.a, received: o.r, stored: o.t, sender: o.s, from: o.f, subject: o.j, recipients: o.p }
  }
}

const isHex8 = (b: Uint8Array) => {
  for (let i = 0; i < 8; i++) {
    const c = b[i]!
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false
  }
  return true
}

/**
 * The record on one line (without its `\n`), or undefined when the line is not a whole record.
 * Bytes that are not UTF-8 decode to U+FFFD; the checksum is over the bytes as written, and the
 * writer only writes UTF-8, so such a line is never taken for a record unless it was one.
 */
export const decode = (bytes: Uint8Array): IndexRecord | undefined => {
  if (bytes.length < 10 || bytes.length > MAX_RECORD_BYTES || bytes[8] !== 0x20 || !isHex8(bytes)) return undefined
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  if (Number.parseInt(buf.toString("latin1", 0, 8), 16) !== crc32(bytes.subarray(9))) return undefined
  try {
    return fromJson(JSON.parse(buf.toString("utf8", 9)))
  } catch {
    return undefined
  }
}

export interface Parsed {
  readonly records: ReadonlyArray<IndexRecord>
  /** Whole lines that are not records (torn or overwritten). */
  readonly bad: number
  /** Bytes consumed: up to and including the last `\n`; what follows is an unfinished line. */
  readonly consumed: number
}

/** The whole lines of `bytes` (a journal's content from a line start). */
export const parseLines = (bytes: Uint8Array): Parsed => {
  const records: Array<IndexRecord> = []
  let bad = 0
  let start = 0
  for (let nl = bytes.indexOf(0x0a, start); nl >= 0; nl = bytes.indexOf(0x0a, start)) {
    const record = decode(bytes.subarray(start, nl))
    if (record) records.push(record)
    else bad++
    start = nl + 1
  }
  return { records, bad, consumed: start }
}
