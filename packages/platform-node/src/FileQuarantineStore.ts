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
 * It also reads what the gateway's earlier quarantine writer stored (`<root>/meta/<id>.json`
 * pointing at a Maildir file under `<root>/messages/`): those entries are listed, shown,
 * released, confirmed and removed like the others, so switching writers loses nothing.
 *
 * Node only (`node:fs`).
 *
 * @category services
 * @since 0.1.0
 */
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
  type QuarantineStoredMessage as StoredMessage,
  type QuarantineVerdictSummary as VerdictSummary
} from "@mailmoat/core"
import { claim } from "./FileReleaseClaim.ts"

const { checkId, headCollector, headerSummary, isValidId, newId, QuarantineError, storeEnvelope, summarise, toStream } =
  Quarantine

/** Metadata files read at once by a listing. */
const READS_IN_FLIGHT = 16

const fsyncPath = async (path: string): Promise<void> => {
  const h = await fsp.open(path, "r")
  try {
    await h.sync()
  } finally {
    await h.close()
  }
}

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

const isNotFound = (e: unknown) => (e as { code?: string } | undefined)?.code === "ENOENT"

const ioError = (what: string, error: unknown, id?: string) =>
  error instanceof QuarantineError
    ? error
    : new QuarantineError("Io", `quarantine: ${what}: ${(error as Error)?.message ?? String(error)}`, id, error)

/** The earlier gateway writer's metadata file. */
interface LegacyMeta {
  readonly id: string
  readonly file: string
  readonly storedAt: string
  readonly reason: string
  readonly recipients: ReadonlyArray<string>
  readonly envelope: QuarantineMeta["envelope"]
  readonly verdict?: VerdictSummary | undefined
  readonly confirmedAt?: string | undefined
}

export interface FileQuarantineOptions {
  /** The quarantine directory (the gateway's `quarantine.path`, default `<dataDir>/quarantine`). */
  readonly root: string
  readonly now?: (() => number) | undefined
}

export const make = (options: FileQuarantineOptions): QuarantineStoreShape => {
  const root = options.root
  const now = options.now ?? Date.now
  const entriesDir = join(root, "entries")
  const tmpDir = join(root, "tmp")
  const legacyMetaDir = join(root, "meta")
  const entryDir = (id: string) => join(entriesDir, checkId(id))
  let ready = false

  const ensure = async () => {
    if (ready) return
    await fsp.mkdir(entriesDir, { recursive: true })
    await fsp.mkdir(tmpDir, { recursive: true })
    await fsyncPath(root)
    ready = true
  }

  const readLegacy = async (
    id: string
  ): Promise<{ meta: QuarantineMeta; file: string; raw: LegacyMeta } | undefined> => {
    let raw: LegacyMeta
    try {
      raw = JSON.parse(await fsp.readFile(join(legacyMetaDir, `${checkId(id)}.json`), "utf8")) as LegacyMeta
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw ioError(`reading metadata of ${id}`, e, id)
    }
    const file = raw.file
    let size = 0
    let head = new Uint8Array()
    try {
      size = (await fsp.stat(file)).size
      const h = await fsp.open(file, "r")
      try {
        const buf = new Uint8Array(Math.min(size, 16 * 1024))
        await h.read(buf, 0, buf.length, 0)
        head = buf
      } finally {
        await h.close()
      }
    } catch (e) {
      if (isNotFound(e)) return undefined // metadata whose message is gone: nothing to show or release
      throw ioError(`reading ${file}`, e, id)
    }
    const meta: QuarantineMeta = {
      id: raw.id ?? id,
      storedAt: raw.storedAt,
      envelope: storeEnvelope(raw.envelope),
      recipients: raw.recipients ?? raw.envelope.rcptTo,
      reason: raw.reason,
      ...(raw.verdict ? { verdict: summarise(raw.verdict) } : {}),
      size,
      ...headerSummary(head),
      ...(raw.confirmedAt ? { confirmedAt: raw.confirmedAt } : {})
    }
    return { meta, file, raw }
  }

  const readEntry = async (id: string): Promise<QuarantineMeta | undefined> => {
    try {
      return JSON.parse(await fsp.readFile(join(entryDir(id), "meta.json"), "utf8")) as QuarantineMeta
    } catch (e) {
      if (isNotFound(e)) return undefined
      if (e instanceof SyntaxError)
        throw new QuarantineError("Corrupt", `quarantine: metadata of ${id} is not valid JSON`, id, e)
      throw ioError(`reading metadata of ${id}`, e, id)
    }
  }

  const notFound = (id: string) => new QuarantineError("NotFound", `no quarantined message with id ${id}`, id)

  const readdirOrEmpty = async (dir: string) => {
    try {
      return await fsp.readdir(dir)
    } catch (e) {
      if (isNotFound(e)) return []
      throw ioError(`listing ${dir}`, e)
    }
  }

  /**
   * `read` over `names` with a few reads in flight: one await at a time, a listing of thousands
   * of entries took seconds, each read waiting its turn through the event loop alone.
   */
  const readEach = async (
    names: ReadonlyArray<string>,
    read: (name: string) => Promise<QuarantineMeta | undefined>
  ): Promise<Array<QuarantineMeta>> => {
    const out: Array<QuarantineMeta | undefined> = new Array(names.length)
    let next = 0
    const reader = async () => {
      while (next < names.length) {
        const i = next++
        try {
          out[i] = await read(names[i]!)
        } catch {
          // A damaged entry must not hide the others; `show` on it reports the damage.
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, names.length) }, reader))
    return out.filter((m): m is QuarantineMeta => m !== undefined)
  }

  const legacyNames = async () =>
    (await readdirOrEmpty(legacyMetaDir)).filter((name) => name.endsWith(".json") && !name.startsWith("."))

  const allMeta = async (): Promise<Array<QuarantineMeta>> => {
    const out = [
      ...(await readEach(await readdirOrEmpty(entriesDir), readEntry)),
      ...(await readEach(await legacyNames(), async (name) => (await readLegacy(name.slice(0, -".json".length)))?.meta))
    ]
    return out.sort((a, b) => (a.storedAt === b.storedAt ? (a.id < b.id ? 1 : -1) : a.storedAt < b.storedAt ? 1 : -1))
  }

  /**
   * How many entries there are, from the directory listings alone (the gauge `/metrics` reads on
   * every scrape): an entry's folder appears whole, by one rename after its files are synced,
   * so every folder is an entry. Only a damaged one (its metadata unreadable) is counted here and
   * left out of `list`.
   */
  const countEntries = async (): Promise<number> => {
    let n = (await legacyNames()).length
    for (const name of await readdirOrEmpty(entriesDir)) if (isValidId(name)) n++
    return n
  }

  const writeMetaDurably = async (dir: string, name: string, meta: unknown) => {
    const tmp = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`)
    await writeFileDurably(tmp, once(JSON.stringify(meta, null, 2)))
    await fsp.rename(tmp, join(dir, name))
    await fsyncPath(dir)
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
        return id
      } catch (e) {
        throw ioError("storing a message", e)
      }
    },

    list: async (o: ListOptions = {}) => {
      const offset = Math.max(0, o.offset ?? 0)
      const limit = Math.max(0, o.limit ?? 50)
      if (limit === 0) return { total: await countEntries(), entries: [] }
      const all = await allMeta()
      return { total: all.length, entries: all.slice(offset, offset + limit) }
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
    },

    markConfirmed: async (id) => {
      checkId(id)
      const confirmedAt = new Date(now()).toISOString()
      const meta = await readEntry(id)
      if (meta) {
        const updated: QuarantineMeta = { ...meta, confirmedAt }
        try {
          await writeMetaDurably(entryDir(id), "meta.json", updated)
        } catch (e) {
          throw ioError(`confirming ${id}`, e, id)
        }
        return updated
      }
      const legacy = await readLegacy(id)
      if (!legacy) throw notFound(id)
      try {
        await writeMetaDurably(legacyMetaDir, `${id}.json`, { ...legacy.raw, confirmedAt })
      } catch (e) {
        throw ioError(`confirming ${id}`, e, id)
      }
      return { ...legacy.meta, confirmedAt }
    },

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

    close: async () => {}
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
