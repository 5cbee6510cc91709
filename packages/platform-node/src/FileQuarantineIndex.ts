/**
 * The file quarantine's index: what a listing filters and orders by (`Quarantine.ListRow`: id,
 * receipt and store times, sender, From, subject, recipients), held in memory in both listing
 * orders, so a page reads the metadata of its own entries only.
 *
 * It is derived from an append-only journal, `<root>/index.log` (records in
 * FileQuarantineIndexRecord, file operations in FileQuarantineJournal): `put` appends an add
 * after the entry is durable (never before: a crash in between leaves an entry the journal does
 * not name, which the start-up check finds), `remove` appends a remove after the entry left
 * `entries/`. Every process (gateway workers, the CLI) appends to it and follows it: before each
 * listing it reads what was appended since its last read. The journal is rewritten from memory
 * (under a lock) once dead records outnumber live ones by `compactAfter`.
 *
 * The entry folders stay the truth. The journal is rebuilt from them, with one log line, when it
 * is missing (an older version's quarantine), when a record is damaged, and when its last line
 * stayed unfinished (an append torn by a crash); the start-up check (`verify`) also compares it
 * with the folders and appends what differs. A listed entry whose folder is gone (removed while
 * a rebuild was reading) is dropped from the index when its page reads it.
 *
 * A new handle starts from the snapshot beside the journal (`index.snap`,
 * FileQuarantineIndexSnapshot) when it names the journal's first bytes, and reads only the
 * journal after them. Until a listing needs every row (a filter, a compaction, the start-up
 * check), unfiltered pages are answered from the snapshot's bytes (FileQuarantineIndexPage),
 * with the rows the journal added since in memory and the snapshot rows it removed or replaced
 * hidden. The snapshot is written again by the compaction, the start-up check, and a listing
 * once the journal grew `snapshotAfter` past it or it was found damaged or stale; a snapshot
 * that cannot be used is logged once and the journal read whole.
 *
 * Held per entry, once every row is decoded: the row's seven strings (recipients as an array),
 * in a map and two sorted arrays of references; an entry whose text would not fit one record
 * keeps its times only and is loaded when a filter needs its text.
 *
 * @since 0.1.0
 */
import { readFile, rm, stat } from "node:fs/promises"
import { dirname, join } from "node:path"
import { crc32 } from "node:zlib"
import { Quarantine, type QuarantineListOptions as ListOptions, type QuarantineMeta } from "@mailmoat/core"
import { readEach } from "./FileQuarantineEntries.ts"
import * as Journal from "./FileQuarantineJournal.ts"
import { encode, hasText, type IndexRecord, type IndexRow, parseLines } from "./FileQuarantineIndexRecord.ts"
import { type Order, unfilteredPage } from "./FileQuarantineIndexPage.ts"
import * as IndexSnapshot from "./FileQuarantineIndexSnapshot.ts"
import { isNotFound } from "./FileQuarantineEntries.ts"

const { compareKeys, compileFilter, keyOf, needsText, rowOf } = Quarantine

/** Past this many records in one read, the orders are sorted once rather than inserted into. */
const BULK_RECORDS = 256

/**
 * Journal bytes remembered before the read offset, checked by the next read: a record or two, so
 * a journal that is another file under the same inode number is told from the one read.
 */
const END_BYTES = 256

/** The last `END_BYTES` of `earlier` followed by `more`, copied (the read's buffer is not kept). */
const endOf = (earlier: Uint8Array, more: Uint8Array): Uint8Array => {
  if (more.length >= END_BYTES) return more.slice(more.length - END_BYTES)
  const keep = Math.min(earlier.length, END_BYTES - more.length)
  const out = new Uint8Array(keep + more.length)
  out.set(earlier.subarray(earlier.length - keep))
  out.set(more, keep)
  return out
}

/** An unfinished last line older than this is a torn append, not one being written. */
const TORN_AFTER_MS = 10_000

export interface IndexSource {
  /** Every entry's id, from the folders. */
  readonly ids: () => Promise<ReadonlyArray<string>>
  readonly load: (id: string) => Promise<QuarantineMeta | "missing" | "damaged">
}

export interface IndexOptions {
  /** The journal (`<root>/index.log`); its lock is beside it. */
  readonly path: string
  readonly source: IndexSource
  readonly log: (message: string) => void
  /** Dead records tolerated beyond the live ones before a compaction (default 1000). */
  readonly compactAfter?: number | undefined
  /**
   * Journal bytes tolerated past the snapshot (`index.snap`) before it is written again (default
   * 256 KiB, about 1,500 records: what a new process reads beyond the snapshot).
   */
  readonly snapshotAfter?: number | undefined
}

/** Rows ascending by (key, id) in one order. */
const sorted = (order: Order) => {
  let rows: Array<IndexRow> = []
  /** The first position whose row is not below (key, id). */
  const lowerBound = (key: string, id: string) => {
    let lo = 0
    let hi = rows.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const r = rows[mid]!
      if (compareKeys(keyOf(r, order), r.id, key, id) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  return {
    rows: () => rows,
    lowerBound,
    insert: (row: IndexRow) => rows.splice(lowerBound(keyOf(row, order), row.id), 0, row),
    remove: (row: IndexRow) => {
      const at = lowerBound(keyOf(row, order), row.id)
      if (rows[at] === row) rows.splice(at, 1)
    },
    clear: () => {
      rows = []
    },
    /** Replaces the rows with `all`, sorted once (a whole journal read: no insertion one by one). */
    reset: (all: Iterable<IndexRow>) => {
      rows = [...all].sort((a, b) => compareKeys(keyOf(a, order), a.id, keyOf(b, order), b.id))
    },
    /** Adds `more`, already in this order (a snapshot's rows), to the rows held. */
    merge: (more: ReadonlyArray<IndexRow>) => {
      const held = rows
      const out: Array<IndexRow> = new Array(held.length + more.length)
      let i = 0
      let j = 0
      for (let k = 0; k < out.length; k++) {
        const a = held[i]
        const b = more[j]
        out[k] =
          b === undefined || (a !== undefined && compareKeys(keyOf(a, order), a.id, keyOf(b, order), b.id) < 0)
            ? held[i++]!
            : more[j++]!
      }
      rows = out
    }
  }
}

export type VerifyResult =
  | { readonly state: "ok"; readonly entries: number }
  | { readonly state: "repaired"; readonly entries: number; readonly added: number; readonly removed: number }
  | { readonly state: "rebuilt"; readonly entries: number; readonly why: string }

export const make = (o: IndexOptions) => {
  const lockPath = `${o.path}.lock`
  const snapshotPath = join(dirname(o.path), "index.snap")
  const compactAfter = o.compactAfter ?? 1000
  const snapshotAfter = o.snapshotAfter ?? 256 * 1024
  const rows = new Map<string, IndexRow>()
  /** Indexed entries whose metadata could not be read: left out of listings, as before an index. */
  const damaged = new Set<string>()
  const orders = { stored: sorted("stored"), received: sorted("received") }
  let file: Journal.Snapshot["file"] | undefined
  let offset = 0
  /** The journal's last bytes before `offset` (at most `END_BYTES`). */
  let end: Uint8Array = new Uint8Array(0)
  /** Records in the journal as read (live and dead). */
  let records = 0
  /** CRC-32 of the journal's first `offset` bytes (what a snapshot of this state names). */
  let crc = 0
  /** The journal length the snapshot on disk is known to cover (0: none known for this file). */
  let covered = 0
  /** A compaction or a snapshot running in the background. */
  let busy = false
  let snapshotWarned = false
  /**
   * The snapshot's rows, not decoded yet: while it is there, `rows` and the orders hold only what
   * the journal added after it, and `hidden` the snapshot's rows it removed or replaced.
   */
  let base: IndexSnapshot.Base | undefined
  const hidden = new Set<number>()
  /** The snapshot turned out damaged (a row that does not decode): this handle reads the journal. */
  let ignoreSnapshot = false
  /** The snapshot on disk was found damaged or stale: written again whatever the journal's growth. */
  let snapshotBad = false

  /** Live entries. */
  const size = () => rows.size + (base === undefined ? 0 : base.count - hidden.size)

  let queue: Promise<unknown> = Promise.resolve()
  const serial = <A>(f: () => Promise<A>): Promise<A> => {
    const run = queue.then(f, f)
    queue = run.catch(() => undefined)
    return run
  }

  /** Applies a record; in `bulk` the map only, the orders are sorted once afterwards. */
  const apply = (r: IndexRecord, bulk: boolean) => {
    const id = r.kind === "add" ? r.row.id : r.id
    damaged.delete(id)
    if (base !== undefined) {
      const at = base.find(id)
      if (at >= 0) hidden.add(at)
    }
    const old = rows.get(id)
    if (old) {
      if (!bulk) {
        orders.stored.remove(old)
        orders.received.remove(old)
      }
      rows.delete(id)
    }
    if (r.kind === "add") {
      rows.set(id, r.row)
      if (!bulk) {
        orders.stored.insert(r.row)
        orders.received.insert(r.row)
      }
    }
  }

  const forget = () => {
    rows.clear()
    damaged.clear()
    orders.stored.clear()
    orders.received.clear()
    records = 0
    crc = 0
    covered = 0
    base = undefined
    hidden.clear()
  }

  const readSnapshot = async (): Promise<Uint8Array | undefined> => {
    try {
      return await readFile(snapshotPath)
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  /**
   * Takes the rows from the snapshot when it describes the start of the journal `bytes` (read
   * from 0); the journal bytes it covers, 0 when there is none or it cannot be used (logged once:
   * the journal is read whole, as without a snapshot).
   */
  const loadSnapshot = async (journal: Journal.Snapshot): Promise<number> => {
    if (ignoreSnapshot) return 0
    let bytes: Uint8Array | undefined
    try {
      bytes = await readSnapshot()
    } catch (e) {
      bytes = undefined
      warnSnapshot(`unreadable (${(e as Error).message})`)
    }
    if (bytes === undefined) return 0
    const snap = IndexSnapshot.open(bytes)
    if (snap === undefined) warnSnapshot("damaged")
    else if (!IndexSnapshot.covers(snap.journal, journal.file, journal.bytes))
      warnSnapshot("stale (it describes another journal)")
    else {
      base = snap
      records = snap.journal.records
      crc = snap.journal.crc
      covered = snap.journal.size
      return snap.journal.size
    }
    return 0
  }

  /** Decodes the snapshot's rows into `rows` and the orders; false when one does not decode. */
  const materialize = (): boolean => {
    if (base === undefined) return true
    const all = base.all()
    if (all === undefined) return false
    const live = base
    const stored = all.stored.filter((_, i) => !hidden.has(i))
    const received = all.received.filter((_, k) => !hidden.has(live.receivedAt(k)))
    for (const row of stored) rows.set(row.id, row)
    orders.stored.merge(stored)
    orders.received.merge(received)
    base = undefined
    hidden.clear()
    return true
  }

  /**
   * Every row in memory (a filter, a compaction, a snapshot need them all); a snapshot found
   * damaged on the way is left aside and the journal read whole. The caller holds `serial`.
   */
  const full = async () => {
    if (materialize()) return
    warnSnapshot("damaged")
    ignoreSnapshot = true
    file = undefined
    await ready()
  }

  const warnSnapshot = (what: string) => {
    snapshotBad = true
    if (snapshotWarned) return
    snapshotWarned = true
    o.log(`quarantine index snapshot ${snapshotPath} ${what}: the journal is read whole`)
  }

  type Health = "ok" | "missing" | "damaged" | "torn"

  /** Reads what was appended since the last read (everything when the file was replaced). */
  const catchUp = async (atStart: boolean): Promise<Health> => {
    const snap = await Journal.read(o.path, file, offset, end)
    if (snap === undefined) {
      forget()
      file = undefined
      offset = 0
      return "missing"
    }
    let start = 0
    if (snap.from === 0) {
      forget()
      start = await loadSnapshot(snap)
      end = snap.bytes.slice(Math.max(0, start - END_BYTES), start)
    }
    const tail = snap.bytes.subarray(start)
    const parsed = parseLines(tail)
    // Sorting everything once beats inserting one by one only when the records are many.
    const bulk = parsed.records.length > Math.max(BULK_RECORDS, rows.size / 8)
    for (const r of parsed.records) apply(r, bulk)
    if (bulk) {
      orders.stored.reset(rows.values())
      orders.received.reset(rows.values())
    }
    records += parsed.records.length + parsed.bad
    // Not called on no bytes: Node 20's `zlib.crc32` answers 0 for some empty views, whatever the start value.
    if (parsed.consumed > 0) {
      crc = crc32(tail.subarray(0, parsed.consumed), crc)
      end = endOf(end, tail.subarray(0, parsed.consumed))
    }
    file = snap.file
    offset = snap.from + start + parsed.consumed
    if (parsed.bad > 0) return "damaged"
    const unfinished = start + parsed.consumed < snap.bytes.length
    return unfinished && (atStart || Date.now() - snap.mtimeMs > TORN_AFTER_MS) ? "torn" : "ok"
  }

  const appendRecord = async (r: IndexRecord) => {
    await Journal.append(o.path, encode(r))
  }

  const rowFor = (meta: QuarantineMeta): IndexRow | undefined => {
    try {
      return rowOf(meta)
    } catch {
      return undefined // a time that is no date: such an entry was never listable
    }
  }

  /** Every entry's row from the folders, in store order, and the ids the folders held. */
  const scan = async () => {
    const ids = await o.source.ids()
    const rows: Array<IndexRow> = []
    for (const m of await readEach(ids, o.source.load)) {
      const row = typeof m === "object" ? rowFor(m) : undefined
      if (row) rows.push(row)
    }
    rows.sort((a, b) => compareKeys(a.stored, a.id, b.stored, b.id))
    return { ids, rows }
  }

  /** Rebuilds the journal from the folders; the caller holds `serial`. */
  const rebuild = async (why: Health): Promise<VerifyResult> => {
    if ((await stat(dirname(o.path)).catch(() => undefined)) === undefined) {
      forget() // no quarantine directory yet: nothing to index, nowhere to write
      return { state: "rebuilt", entries: 0, why }
    }
    const judged = file
    let scanned: Awaited<ReturnType<typeof scan>> | undefined
    let done: VerifyResult | undefined
    try {
      done = await Journal.withLock(lockPath, async (): Promise<VerifyResult | undefined> => {
        // Another process may have rebuilt it while this one waited for the lock.
        if (why !== "torn" && judged !== undefined) {
          const now = await stat(o.path).catch(() => undefined)
          if (now && (now.ino !== judged.ino || now.dev !== judged.dev)) {
            file = undefined
            if ((await catchUp(false)) === "ok") return undefined
          }
        }
        scanned = await scan()
        await dropSnapshot()
        await Journal.replace(
          o.path,
          scanned.rows.map((row) => encode({ kind: "add", row }))
        )
        // Entries stored or removed while the folders were read.
        await reconcile(new Set(scanned.ids))
        forget()
        file = undefined
        offset = 0
        return { state: "rebuilt", entries: scanned.rows.length, why }
      })
    } catch (e) {
      // A journal this process cannot write (a read-only quarantine for this user, a full disk):
      // the folders as read serve the listing, as before there was an index.
      const { rows: fresh } = scanned ?? (await scan())
      forget()
      for (const row of fresh) apply({ kind: "add", row }, true)
      orders.stored.reset(rows.values())
      orders.received.reset(rows.values())
      file = undefined
      offset = 0
      o.log(`quarantine index ${o.path} ${why}: not rebuilt (${(e as Error).message}); listed from the entry folders`)
      return { state: "rebuilt", entries: fresh.length, why }
    }
    if (done === undefined) return { state: "ok", entries: size() }
    if (why !== "missing" || done.entries > 0)
      o.log(`quarantine index ${o.path} ${why}: rebuilt from ${done.entries} entries`)
    await catchUp(false)
    return done
  }

  /** Appends what the folders hold and `known` lacks, and removes what they no longer hold. */
  const reconcile = async (known: ReadonlySet<string>): Promise<{ added: number; removed: number }> => {
    const now = await o.source.ids()
    const present = new Set(now)
    const added = now.filter((id) => !known.has(id))
    let n = 0
    for (const meta of await readEach(added, o.source.load)) {
      const row = typeof meta === "object" ? rowFor(meta) : undefined
      if (row) {
        await appendRecord({ kind: "add", row })
        n++
      }
    }
    const removed = [...known].filter((id) => !present.has(id))
    for (const id of removed) await appendRecord({ kind: "remove", id })
    return { added: n, removed: removed.length }
  }

  /** The journal read up to its end, rebuilt first when it cannot be trusted. */
  const ready = async () => {
    const health = await catchUp(false)
    if (health !== "ok") await rebuild(health)
    if (busy) return
    if (records > 2 * size() + compactAfter) {
      busy = true
      void compact()
    } else if (snapshotDue()) {
      busy = true
      void serial(refreshSnapshot).finally(() => {
        busy = false
      })
    }
  }

  /**
   * Rewrites the journal from memory. Inside `serial`, like a rebuild, so the two take the
   * in-process queue before the lock, never the other way round.
   */
  const compact = () =>
    serial(async () => {
      busy = true
      try {
        await Journal.withLock(
          lockPath,
          async () => {
            await catchUp(false)
            await full()
            if (file === undefined) return
            const lines = orders.stored.rows().map((row) => encode({ kind: "add", row }))
            // The snapshot names the file being replaced: gone first, so none is ever stale.
            await dropSnapshot()
            if (await Journal.compact(o.path, file, offset, lines)) {
              file = undefined
              if ((await catchUp(false)) === "ok") await writeSnapshot()
            }
          },
          false
        )
      } catch (e) {
        o.log(`quarantine index ${o.path}: compaction failed, the journal stays as it is: ${(e as Error).message}`)
      } finally {
        busy = false
      }
    })

  /** Removes the snapshot; the caller holds the lock and is about to replace the journal. */
  const dropSnapshot = async () => {
    covered = 0
    await rm(snapshotPath, { force: true })
  }

  /**
   * Writes the snapshot of the rows as read (the journal's first `offset` bytes), atomically (a
   * temporary file, synced, renamed over, the directory synced); the caller holds the lock, so
   * the journal is not replaced meanwhile, and has just read it to its end.
   */
  const writeSnapshot = async () => {
    await full()
    if (file === undefined) return
    const journal = { ...file, size: offset, crc, records }
    const bytes = IndexSnapshot.encode({ journal, stored: orders.stored.rows(), received: orders.received.rows() })
    await Journal.replace(snapshotPath, [bytes])
    covered = offset
    snapshotBad = false
  }

  /** Far enough past the snapshot to write it again, or the one on disk is unusable. */
  const snapshotDue = () => file !== undefined && (offset - covered > snapshotAfter || snapshotBad)

  /**
   * Brings the snapshot up to date under the lock, unless another process holds it (a compaction,
   * a rebuild, another snapshot) or already wrote one recent enough.
   */
  const refreshSnapshot = async () => {
    try {
      await Journal.withLock(
        lockPath,
        async () => {
          if ((await catchUp(false)) !== "ok" || !snapshotDue()) return
          // Another process may have just written this very state (unless this one found it bad).
          const onDisk = snapshotBad ? undefined : await readIntact()
          const same =
            onDisk !== undefined &&
            file !== undefined &&
            onDisk.ino === file.ino &&
            onDisk.dev === file.dev &&
            onDisk.size === offset &&
            onDisk.crc === crc
          if (same) covered = offset
          else await writeSnapshot()
        },
        false
      )
    } catch (e) {
      o.log(`quarantine index snapshot ${snapshotPath}: not written: ${(e as Error).message}`)
    }
  }

  /** The journal the snapshot on disk names, when it is intact (another process's, maybe newer). */
  const readIntact = async (): Promise<IndexSnapshot.JournalMark | undefined> => {
    const bytes = await readSnapshot().catch(() => undefined)
    return bytes && IndexSnapshot.open(bytes)?.journal
  }

  /** Appends what the folders hold and the journal lacks, and the removals it lacks. */
  const repair = async (): Promise<VerifyResult> => {
    await full()
    const fixed = await reconcile(new Set(rows.keys()))
    if (fixed.added + fixed.removed === 0) return { state: "ok", entries: size() }
    await catchUp(false)
    o.log(`quarantine index ${o.path}: ${fixed.added} entries added, ${fixed.removed} removed to match the folders`)
    return { state: "repaired", entries: size(), ...fixed }
  }

  const loadRow = async (row: IndexRow, gone: Array<string>) => {
    const meta = await o.source.load(row.id)
    if (meta === "missing") gone.push(row.id)
    return typeof meta === "object" ? rowFor(meta) : undefined
  }

  return {
    /** Records an entry that is now durable in `entries/`. */
    added: (meta: QuarantineMeta) => {
      const row = rowFor(meta)
      return row ? appendRecord({ kind: "add", row }) : Promise.resolve()
    },

    /** Records an entry that left `entries/`. */
    removed: (id: string) => appendRecord({ kind: "remove", id }),

    /** Forgets entries found gone. */
    drop: (ids: ReadonlyArray<string>) =>
      serial(async () => {
        for (const id of ids) await appendRecord({ kind: "remove", id })
      }),

    /** Ids of the page `options` selects, and how many entries match its filter. */
    query: (q: ListOptions): Promise<{ total: number; ids: Array<string>; gone: Array<string> }> =>
      serial(async () => {
        await ready()
        const order: Order = q.order === "received" ? "received" : "stored"
        const list = orders[order]
        const offset = Math.max(0, q.offset ?? 0)
        const limit = Math.max(0, q.limit ?? 50)
        const keep = compileFilter(q.filter)
        if (base !== undefined && keep === undefined && damaged.size === 0) {
          // A new handle's unfiltered page (a CLI run): the snapshot's rows it walks over only.
          const ids = unfilteredPage(base, hidden, list.rows(), { order, after: q.after, offset, limit })
          if (ids !== undefined) return { total: size(), ids, gone: [] }
        }
        await full()
        const all = list.rows()
        const end = q.after ? list.lowerBound(q.after.at, q.after.id) : all.length
        if (keep === undefined && damaged.size === 0) {
          const top = Math.max(0, end - offset)
          const ids = all.slice(Math.max(0, top - limit), top).map((r) => r.id)
          return { total: rows.size, ids: ids.reverse(), gone: [] }
        }
        const text = needsText(q.filter)
        const ids: Array<string> = []
        const gone: Array<string> = []
        let total = 0
        let skip = offset
        for (let i = all.length - 1; i >= 0; i--) {
          const stored = all[i]!
          if (damaged.has(stored.id)) continue
          if (keep === undefined && i < end && ids.length >= limit) break
          const row = keep !== undefined && text && !hasText(stored) ? await loadRow(stored, gone) : stored
          if (row === undefined || (keep !== undefined && !keep(row as Quarantine.ListRow))) continue
          total++
          if (i >= end) continue
          if (skip > 0) skip--
          else if (ids.length < limit) ids.push(row.id)
        }
        if (keep === undefined) total = rows.size - [...damaged].filter((id) => rows.has(id)).length
        return { total, ids, gone }
      }),

    /** Leaves entries whose metadata cannot be read out of listings (until their id is recorded again). */
    damaged: (ids: ReadonlyArray<string>) => {
      for (const id of ids) damaged.add(id)
    },

    /** The start-up check: rebuilt when missing, damaged or torn, else compared with the folders. */
    verify: (): Promise<VerifyResult> =>
      serial(async () => {
        file = undefined
        const health = await catchUp(true)
        const result = health !== "ok" ? await rebuild(health) : await repair()
        // Written now, before any worker lists, rather than by each worker's first listing.
        if (snapshotDue()) await refreshSnapshot()
        return result
      }),

    /** Entries indexed (after the last read). */
    size,

    /** Resolves once the work queued so far (a background compaction or snapshot included) is done. */
    settled: (): Promise<void> => serial(async () => {})
  }
}

export type FileQuarantineIndex = ReturnType<typeof make>
