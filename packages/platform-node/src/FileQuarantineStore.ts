/**
 * The embedded quarantine: one directory per entry under `<root>/entries/<id>/`, holding
 * `message.eml` (the message as received, CRLF line ends) and `meta.json` (`QuarantineMeta`).
 *
 * Durability: an entry is assembled in `<root>/tmp/<id>/` (each file written, fsync'ed and
 * closed, then the directory fsync'ed) and renamed into `entries/` in one step, followed by an
 * fsync of `entries/`. A crash leaves either nothing visible or a complete entry; leftovers in
 * `tmp/` are never listed. Removal renames the entry out of `entries/` first, so it disappears
 * atomically too. Releases take the entry with a claim file under `<root>/claims/` first
 * (`FileReleaseClaim.ts`), so one of several concurrent releases delivers.
 *
 * Listings come from an index (`index.log` and its snapshot `index.snap` beside `entries/`,
 * FileQuarantineIndex): a page reads the metadata of its own entries only, whatever the
 * quarantine's size.
 *
 * It also reads what the gateway's earlier quarantine writer stored (`<root>/meta/<id>.json`
 * pointing at a Maildir file under `<root>/messages/`): those entries are listed, shown,
 * released, confirmed and removed like the others, so switching writers loses nothing.
 *
 * Node only (`node:fs`).
 *
 * @category services
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { createReadStream } from "node:fs"
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import {
  type QuarantineListOptions as ListOptions,
  type QuarantinePutEntry as PutEntry,
  Quarantine,
  type QuarantineMeta,
  QuarantineStore,
  type QuarantineStoreShape,
  type QuarantineStoredMessage as StoredMessage
} from "@mailmoat/core"
import { ioError, isNotFound, makeEntries, readEach } from "./FileQuarantineEntries.ts"
import * as FileQuarantineIndex from "./FileQuarantineIndex.ts"
import * as Journal from "./FileQuarantineJournal.ts"
import { claim } from "./FileReleaseClaim.ts"

const { checkId, headCollector, headerSummary, newId, QuarantineError, storeEnvelope, summarise, toStream } = Quarantine

const fsyncPath = Journal.fsyncDir

const writeFileDurably = async (
  path: string,
  chunks: AsyncIterable<Uint8Array>,
  onChunk?: (c: Uint8Array) => void
): Promise<number> => {
  const h = await fsp.open(path, "wx", 0o600)
  let size = 0
  try {
    for await (const chunk of chunks) {
      onChunk?.(chunk)
      let off = 0
      while (off < chunk.length) off += (await h.write(chunk, off, chunk.length - off)).bytesWritten
      size += chunk.length
    }
    await h.sync()
  } finally {
    await h.close()
  }
  return size
}

const once = (text: string) =>
  (async function* () {
    yield new TextEncoder().encode(text)
  })()

/** The index journal of the quarantine at `root`. */
export const indexPath = (root: string) => join(root, "index.log")

/** The index of the quarantine at `root`, over its folders. */
export const openIndex = (
  root: string,
  log: (message: string) => void,
  tuning: Pick<FileQuarantineIndex.IndexOptions, "compactAfter" | "snapshotAfter"> = {}
): FileQuarantineIndex.FileQuarantineIndex => {
  const entries = makeEntries(root)
  return FileQuarantineIndex.make({ path: indexPath(root), source: entries, log, ...tuning })
}

const logToStderr = (message: string) => {
  process.stderr.write(`${message}\n`)
}

export interface FileQuarantineOptions {
  /** The quarantine directory (the gateway's `quarantine.path`, default `<dataDir>/quarantine`). */
  readonly root: string
  readonly now?: (() => number) | undefined
  /** Where the index's rebuilds are reported (default stderr). */
  readonly log?: ((message: string) => void) | undefined
  /** Dead index records tolerated beyond the live ones before the journal is rewritten. */
  readonly compactAfter?: number | undefined
  /** Journal bytes tolerated past the index's snapshot before it is written again. */
  readonly snapshotAfter?: number | undefined
}

export const make = (options: FileQuarantineOptions): QuarantineStoreShape => {
  const root = options.root
  const now = options.now ?? Date.now
  const entries = makeEntries(root)
  const { entriesDir, legacyMetaDir, entryDir, readEntry, readLegacy } = entries
  const tmpDir = join(root, "tmp")
  const index = openIndex(root, options.log ?? logToStderr, {
    compactAfter: options.compactAfter,
    snapshotAfter: options.snapshotAfter
  })
  let ready = false

  const ensure = async () => {
    if (ready) return
    const created = await fsp.mkdir(entriesDir, { recursive: true })
    await fsp.mkdir(tmpDir, { recursive: true })
    // A new quarantine starts with an empty journal; an existing one without a journal (an
    // older version's) is indexed from its folders by the first listing or the start-up check.
    if (created !== undefined) await Journal.create(indexPath(root))
    await fsyncPath(root)
    ready = true
  }

  const notFound = (id: string) => new QuarantineError("NotFound", `no quarantined message with id ${id}`, id)

  /**
   * Index changes are best effort: the entry itself is already durable (or gone), and the
   * start-up check brings the journal back in line with the folders.
   */
  const noted = async (what: string, change: Promise<void>) => {
    try {
      await change
    } catch (e) {
      ;(options.log ?? logToStderr)(
        `quarantine index ${indexPath(root)}: ${what} not recorded: ${(e as Error).message}`
      )
    }
  }

  /** The page's metadata; entries found gone are dropped from the index and the page asked again. */
  const page = async (o: ListOptions) => {
    for (let attempt = 0; ; attempt++) {
      const q = await index.query(o)
      const metas = await readEach(q.ids, entries.load)
      const gone = [...q.gone, ...q.ids.filter((_, i) => metas[i] === "missing")]
      const damaged = q.ids.filter((_, i) => metas[i] === "damaged" || metas[i] === undefined)
      if ((gone.length === 0 && damaged.length === 0) || attempt === 2)
        return {
          total: q.total,
          entries: metas.filter((m): m is QuarantineMeta => typeof m === "object")
        }
      index.damaged(damaged)
      await noted("a removal", index.drop(gone))
    }
  }

  const writeMetaDurably = async (dir: string, name: string, meta: unknown) => {
    const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`)
    await writeFileDurably(tmp, once(JSON.stringify(meta, null, 2)))
    await fsp.rename(tmp, join(dir, name))
    await fsyncPath(dir)
  }

  /**
   * Rewrites an entry's metadata (either layout) with `fields` set; the index rows do not change.
   * Read and written under the entry's lock: a confirmation (the CLI) and a release's virus record
   * (the gateway) at once would otherwise each write what it read, and one field would be lost.
   */
  const updateMeta = async (
    id: string,
    what: string,
    fields: Pick<QuarantineMeta, "confirmedAt" | "virusFound">
  ): Promise<QuarantineMeta> => {
    checkId(id)
    /** `f` holding `lock`; undefined when the folder holding the lock (or the entry) is gone. */
    const locked = <A>(lock: string, f: () => Promise<A>): Promise<A | undefined> =>
      Journal.withLock(lock, f).catch((e: unknown) => {
        if (isNotFound(e)) return undefined
        throw ioError(`${what} ${id}`, e, id)
      })
    if ((await readEntry(id)) !== undefined) {
      const updated = await locked(join(entryDir(id), ".meta.lock"), async () => {
        const meta = await readEntry(id)
        if (meta === undefined) return undefined // removed while this waited
        const next: QuarantineMeta = { ...meta, ...fields }
        await writeMetaDurably(entryDir(id), "meta.json", next)
        return next
      })
      if (updated === undefined) throw notFound(id)
      return updated
    }
    const legacy = await locked(join(legacyMetaDir, `.${id}.lock`), async () => {
      const found = await readLegacy(id)
      if (found === undefined) return undefined
      await writeMetaDurably(legacyMetaDir, `${id}.json`, { ...found.raw, ...fields })
      return { ...found.meta, ...fields }
    })
    if (legacy === undefined) throw notFound(id)
    return legacy
  }

  const store: QuarantineStoreShape = {
    describe: `files ${root}`,

    put: async (entry: PutEntry) => {
      try {
        await ensure()
        const id = newId(now())
        const stage = join(tmpDir, id)
        await fsp.mkdir(stage)
        const head = headCollector()
        const size = await writeFileDurably(join(stage, "message.eml"), toStream(entry.message)(), head.add)
        const envelope = storeEnvelope(entry.envelope)
        const meta: QuarantineMeta = {
          id,
          storedAt: new Date(now()).toISOString(),
          envelope,
          recipients: [...(entry.recipients ?? envelope.rcptTo)],
          reason: entry.reason,
          ...(entry.verdict ? { verdict: summarise(entry.verdict) } : {}),
          size,
          ...headerSummary(head.head())
        }
        await writeFileDurably(join(stage, "meta.json"), once(JSON.stringify(meta, null, 2)))
        await fsyncPath(stage)
        await fsp.rename(stage, join(entriesDir, id))
        await fsyncPath(entriesDir)
        await noted(`the addition of ${id}`, index.added(meta))
        return id
      } catch (e) {
        throw ioError("storing a message", e)
      }
    },

    list: async (o: ListOptions = {}) => {
      const offset = Math.max(0, o.offset ?? 0)
      const limit = Math.max(0, o.limit ?? 50)
      // A count (`limit: 0`, what `/metrics` asks on every scrape) is the index's size: what was
      // appended since the last read, not a walk of the entry folders.
      return page({ ...o, offset, limit })
    },

    get: async (id): Promise<StoredMessage> => {
      checkId(id)
      const meta = await readEntry(id)
      if (meta) {
        const file = join(entryDir(id), "message.eml")
        return { meta, stream: () => createReadStream(file) }
      }
      const legacy = await readLegacy(id)
      if (!legacy) throw notFound(id)
      return { meta: legacy.meta, stream: () => createReadStream(legacy.file) }
    },

    remove: async (id) => {
      checkId(id)
      const trash = join(tmpDir, `.removed-${id}-${process.pid}-${Date.now()}`)
      try {
        await ensure()
        await fsp.rename(entryDir(id), trash)
        await fsyncPath(entriesDir)
        await noted(`the removal of ${id}`, index.removed(id))
        await fsp.rm(trash, { recursive: true, force: true })
        return
      } catch (e) {
        if (!isNotFound(e)) throw ioError(`removing ${id}`, e, id)
      }
      const legacy = await readLegacy(id)
      if (!legacy) throw notFound(id)
      try {
        // Metadata first: a crash in between leaves an unlisted message, never a listed ghost.
        await fsp.unlink(join(legacyMetaDir, `${id}.json`))
        await fsp.unlink(legacy.file)
      } catch (e) {
        throw ioError(`removing ${id}`, e, id)
      }
      await noted(`the removal of ${id}`, index.removed(id))
    },

    markConfirmed: async (id) => {
      const confirmedAt = new Date(now()).toISOString()
      return updateMeta(id, "confirming", { confirmedAt })
    },

    markVirusFound: async (id, signature) =>
      updateMeta(id, "recording a virus in", { virusFound: { signature, at: new Date(now()).toISOString() } }),

    claim: async (id) =>
      claim(
        {
          dir: join(root, "claims"),
          exists: async (id) => (await readEntry(checkId(id))) !== undefined || (await readLegacy(id)) !== undefined,
          remove: (id) => store.remove(id),
          now
        },
        checkId(id)
      ),

    // A compaction or snapshot under way finishes (its lock released) before the process ends.
    close: () => index.settled()
  }
  return store
}

/** A layer providing `QuarantineStore` with the embedded file store, closed with its scope. */
export const layer = (options: FileQuarantineOptions): Layer.Layer<QuarantineStore> =>
  Layer.effect(
    QuarantineStore,
    Effect.acquireRelease(
      Effect.sync(() => make(options)),
      (store) => Effect.promise(() => store.close())
    )
  )
