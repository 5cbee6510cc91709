/**
 * What a quarantine listing selects and in which order, stated once for every store: the admin
 * API and the quarantine pages filter by recipient, text and receipt time and page newest
 * received first with a cursor; the digest asks for what was stored since its last run; the CLI
 * pages newest stored first by offset. A store with an index (the file store) evaluates these on
 * its compact rows; a store without one loads every entry and calls `pageOf`.
 *
 * @since 0.1.0
 */
import type { ListOptions, ListPage, QuarantineMeta } from "./QuarantineStore.ts"

/** The fields a listing filters and orders by: what an index has to hold per entry. */
export interface ListRow {
  readonly id: string
  /** ISO 8601 receipt time (the envelope's, else the store time): the admin listing's order. */
  readonly received: string
  /** `storedAt` as stored: the default order and the digest's bound. */
  readonly stored: string
  /** Envelope sender (MAIL FROM). */
  readonly sender: string
  readonly from: string
  readonly subject: string
  readonly recipients: ReadonlyArray<string>
}

export const receivedIso = (m: QuarantineMeta): string =>
  new Date(m.envelope.receivedAt || Date.parse(m.storedAt)).toISOString()

export const rowOf = (m: QuarantineMeta): ListRow => ({
  id: m.id,
  received: receivedIso(m),
  stored: m.storedAt,
  sender: m.envelope.mailFrom,
  from: m.from ?? "",
  subject: m.subject ?? "",
  recipients: m.recipients
})

/** The sort key of a row in an order. */
export const keyOf = (row: Pick<ListRow, "received" | "stored">, order: ListOptions["order"]): string =>
  order === "received" ? row.received : row.stored

/** Ascending by key, then id (listings walk it backwards: newest first). */
export const compareKeys = (aKey: string, aId: string, bKey: string, bId: string): number =>
  aKey === bKey ? (aId === bId ? 0 : aId < bId ? -1 : 1) : aKey < bKey ? -1 : 1

/** True when the filter looks at more than the times (a row without its text must be loaded). */
export const needsText = (f: ListOptions["filter"]): boolean => Boolean(f?.recipient || f?.q)

const lower = (s: string) => s.toLowerCase()

/**
 * The filter as a predicate, or undefined when it selects everything. Dates are compared as ISO
 * strings, as they are stored; the caller has checked that they parse.
 */
export const compileFilter = (f: ListOptions["filter"]): ((row: ListRow) => boolean) | undefined => {
  if (f === undefined) return undefined
  const recipient = f.recipient ? lower(f.recipient) : undefined
  const since = f.since ? new Date(f.since).toISOString() : undefined
  const until = f.until ? new Date(f.until).toISOString() : undefined
  const q = f.q ? lower(f.q) : undefined
  const storedSince = f.storedSince
  if (recipient === undefined && since === undefined && until === undefined && q === undefined)
    return storedSince === undefined ? undefined : (row) => row.stored >= storedSince
  return (row) => {
    if (recipient !== undefined && !row.recipients.some((r) => lower(r) === recipient)) return false
    if (since !== undefined && row.received < since) return false
    if (until !== undefined && row.received >= until) return false
    if (storedSince !== undefined && row.stored < storedSince) return false
    if (q === undefined) return true
    // Field by field, without an array per row: this runs over every indexed entry.
    const has = (v: string) => lower(v).includes(q)
    return has(row.id) || has(row.sender) || has(row.from) || has(row.subject) || row.recipients.some(has)
  }
}

/** A page of `metas` (every entry of a store) as `list(options)` answers it. */
export const pageOf = (metas: ReadonlyArray<QuarantineMeta>, o: ListOptions = {}): ListPage => {
  const keep = compileFilter(o.filter)
  const rows = metas.map((meta) => ({ meta, row: rowOf(meta) })).filter((r) => keep === undefined || keep(r.row))
  const desc = (a: { row: ListRow }, b: { row: ListRow }) =>
    compareKeys(keyOf(b.row, o.order), b.row.id, keyOf(a.row, o.order), a.row.id)
  rows.sort(desc)
  const after = o.after
  const from =
    after === undefined
      ? 0
      : rows.findIndex((r) => compareKeys(keyOf(r.row, o.order), r.row.id, after.at, after.id) < 0)
  const start = (from < 0 ? rows.length : from) + Math.max(0, o.offset ?? 0)
  const limit = Math.max(0, o.limit ?? 50)
  return { total: rows.length, entries: rows.slice(start, start + limit).map((r) => r.meta) }
}
