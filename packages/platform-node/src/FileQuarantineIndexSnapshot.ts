/**
 * A checkpoint of the file quarantine's index (`<root>/index.snap`, beside the journal
 * `index.log`, see FileQuarantineIndex): every live row as the journal's first `size` bytes leave
 * them, laid out so that a reader answers a page by decoding the rows of that page only. A new
 * process (a CLI run, a restarted gateway) opens it, reads the journal after those bytes, and
 * decodes every row only when a listing needs them all (a filter, a compaction).
 *
 * Layout: one ASCII header line, then a binary body:
 * `mmqidx-snap 2 <ino> <dev> <size> <journal crc32> <records> <rows> <crc32> <body bytes>\n`
 * then, for `n` rows, little-endian 32-bit tables: `n + 1` offsets in the rows' text of the rows
 * in store order (ascending by store time, then id; the last is the text's length), `n` store
 * positions in received order, `n` store positions in id order; then the rows' text, one JSON
 * array of rows (so that decoding them all is one `JSON.parse`), each row
 * `[id, received, stored, sender, from, subject, [recipients]]`, or `[id, received, stored]` for
 * an entry whose text did not fit a journal record; row `i` spans from its offset to the byte
 * before the next one (a comma, or the closing bracket). The journal is named by its inode and
 * device, the length it covers, the CRC-32 of those bytes, and how many records they hold (live
 * and dead, for the compaction's count). The header's `<crc32>` covers the fields before it and
 * the body.
 *
 * `open` checks the header, the length, the CRC-32 and that the tables fit; nothing it
 * returns throws, whatever the bytes. `all` decodes every row and checks that they are distinct
 * and in the three orders the tables claim. Whether the snapshot still describes the journal is
 * the reader's check (`covers`).
 *
 * @since 0.1.0
 */
import { crc32 } from "node:zlib"
import { Quarantine } from "@mailmoat/core"
import { hasText, type IndexRow } from "./FileQuarantineIndexRecord.ts"

const { compareKeys, keyOf } = Quarantine

const MAGIC = "mmqidx-snap"
const VERSION = "2"
/** A header is far shorter; past this there is no header to find. */
const MAX_HEADER_BYTES = 256

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

/** An opened snapshot: its rows decoded one at a time. */
export interface Base {
  readonly journal: JournalMark
  readonly count: number
  /** The row at store position `i`, undefined when its bytes are not one. */
  readonly row: (i: number) => IndexRow | undefined
  /** The store position of the `k`-th row in received order. */
  readonly receivedAt: (k: number) => number
  /** The store position of the row with this id, -1 when there is none. */
  readonly find: (id: string) => number
  /** Every row, in both orders; undefined unless all decode, distinct and in the orders claimed. */
  readonly all: () => Pick<IndexSnapshot, "stored" | "received"> | undefined
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0")
const ascii = new TextEncoder()

const rowArray = (r: IndexRow) =>
  hasText(r) ? [r.id, r.received, r.stored, r.sender, r.from, r.subject, r.recipients] : [r.id, r.received, r.stored]

/** The snapshot's bytes; `received` must hold the same row objects as `stored`. */
export const encode = (s: IndexSnapshot): Uint8Array => {
  const n = s.stored.length
  const position = new Map<IndexRow, number>()
  for (const [i, row] of s.stored.entries()) position.set(row, i)
  const rows = s.stored.map((r) => Buffer.from(JSON.stringify(rowArray(r)), "utf8"))
  const tables = Buffer.alloc(4 * (3 * n + 1))
  let at = 1
  for (let i = 0; i < n; i++) {
    tables.writeUInt32LE(at, 4 * i)
    at += rows[i]!.length + 1
  }
  tables.writeUInt32LE(Math.max(at, 2), 4 * n)
  for (const [k, row] of s.received.entries()) tables.writeUInt32LE(position.get(row) ?? 0, 4 * (n + 1 + k))
  const byId = s.stored.map((_, i) => i).sort((a, b) => (s.stored[a]!.id < s.stored[b]!.id ? -1 : 1))
  for (const [k, i] of byId.entries()) tables.writeUInt32LE(i, 4 * (2 * n + 1 + k))
  const comma = Buffer.from(",")
  const text = [Buffer.from("["), ...rows.flatMap((r, i) => (i === 0 ? [r] : [comma, r])), Buffer.from("]")]
  const body = Buffer.concat([tables, ...text])
  const j = s.journal
  const signed = ascii.encode(`${[MAGIC, VERSION, j.ino, j.dev, j.size, hex8(j.crc), j.records, n].join(" ")} `)
  const sum = crc32(body, crc32(signed))
  return Buffer.concat([signed, ascii.encode(`${hex8(sum)} ${body.length}\n`), body])
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
  readonly rows: number
  /** CRC-32 of the header's fields before it (`signed`) and the body. */
  readonly sum: number
  readonly signed: Uint8Array
  readonly bodyBytes: number
  /** Where the body starts. */
  readonly start: number
}

/** The header line, or undefined when `bytes` do not start with one. */
const header = (bytes: Uint8Array): Header | undefined => {
  const nl = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a)
  if (nl < 0) return undefined
  const f = Buffer.from(bytes.buffer, bytes.byteOffset, nl).toString("latin1").split(" ")
  if (f.length !== 10 || f[0] !== MAGIC || f[1] !== VERSION) return undefined
  const [ino, dev, size, records, rows, bodyBytes] = [f[2], f[3], f[4], f[6], f[7], f[9]].map(count)
  const [crc, sum] = [f[5], f[8]].map(checksum)
  if (
    ino === undefined ||
    dev === undefined ||
    size === undefined ||
    records === undefined ||
    rows === undefined ||
    bodyBytes === undefined ||
    crc === undefined ||
    sum === undefined
  )
    return undefined
  const signed = bytes.subarray(0, nl - f[8]!.length - f[9]!.length - 1)
  return { journal: { ino, dev, size, crc, records }, rows, sum, signed, bodyBytes, start: nl + 1 }
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

/** A table of `length` little-endian 32-bit numbers at `from`. */
const table = (body: Buffer, from: number, length: number): Uint32Array => {
  const t = new Uint32Array(length)
  for (let i = 0; i < length; i++) t[i] = body.readUInt32LE(from + 4 * i)
  return t
}

/** True when `t` holds each of 0..n-1 once. */
const isPermutation = (t: Uint32Array, n: number) => {
  const seen = new Uint8Array(n)
  for (const i of t) {
    if (i >= n || seen[i]) return false
    seen[i] = 1
  }
  return true
}

/** The snapshot in `bytes`, opened, or undefined when they are not one, whole and intact. */
export const open = (bytes: Uint8Array): Base | undefined => {
  const h = header(bytes)
  if (h === undefined || bytes.length - h.start !== h.bodyBytes) return undefined
  const body = Buffer.from(bytes.buffer, bytes.byteOffset + h.start, h.bodyBytes)
  if (crc32(body, crc32(h.signed)) !== h.sum) return undefined
  const n = h.rows
  const rowsAt = 4 * (3 * n + 1)
  if (rowsAt > body.length) return undefined
  const offsets = table(body, 0, n + 1)
  const received = table(body, 4 * (n + 1), n)
  const byId = table(body, 4 * (2 * n + 1), n)
  if ((n > 0 && offsets[0] !== 1) || offsets[n] !== body.length - rowsAt) return undefined
  for (let i = 0; i < n; i++) if (offsets[i]! >= offsets[i + 1]!) return undefined
  if (!isPermutation(received, n) || !isPermutation(byId, n)) return undefined

  const text = (i: number) => body.toString("utf8", rowsAt + offsets[i]!, rowsAt + offsets[i + 1]! - 1)
  const row = (i: number): IndexRow | undefined => {
    try {
      return rowOf(JSON.parse(text(i)))
    } catch {
      return undefined
    }
  }
  /** The id alone: the text between the row's first quotes, unless it holds an escape. */
  const idAt = (i: number): string | undefined => {
    const from = rowsAt + offsets[i]! + 2
    const end = body.indexOf(0x22, from)
    if (body[from - 2] !== 0x5b || body[from - 1] !== 0x22 || end < 0 || end >= rowsAt + offsets[i + 1]! - 1)
      return undefined
    const id = body.toString("utf8", from, end)
    return id.includes("\\") ? row(i)?.id : id
  }
  const find = (id: string) => {
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const at = idAt(byId[mid]!)
      if (at === undefined) return -1
      if (at < id) lo = mid + 1
      else hi = mid
    }
    return lo < n && idAt(byId[lo]!) === id ? byId[lo]! : -1
  }
  const all = () => {
    let json: unknown
    try {
      json = JSON.parse(body.toString("utf8", rowsAt))
    } catch {
      return undefined
    }
    if (!Array.isArray(json) || json.length !== n) return undefined
    const stored: Array<IndexRow> = new Array(n)
    for (let i = 0; i < n; i++) {
      const r = rowOf(json[i])
      if (r === undefined) return undefined
      stored[i] = r
    }
    const inReceived = Array.from(received, (i) => stored[i]!)
    for (let k = 1; k < n; k++) if (stored[byId[k - 1]!]!.id >= stored[byId[k]!]!.id) return undefined
    return ascending(stored, "stored") && ascending(inReceived, "received")
      ? { stored, received: inReceived }
      : undefined
  }
  return { journal: h.journal, count: n, row, receivedAt: (k) => received[k]!, find, all }
}

/** The snapshot in `bytes`, every row decoded, or undefined when they are not one, whole and intact. */
export const decode = (bytes: Uint8Array): IndexSnapshot | undefined => {
  const base = open(bytes)
  const rows = base?.all()
  return base && rows && { journal: base.journal, ...rows }
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
