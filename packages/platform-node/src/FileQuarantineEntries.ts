/**
 * Reading the file quarantine's entries (the layout is described in FileQuarantineStore):
 * `entries/<id>/meta.json` beside its `message.eml`, and the earlier writer's `meta/<id>.json`
 * pointing at a Maildir file. The entry folders are the truth the index is derived from.
 *
 * @since 0.1.0
 */
import * as fsp from "node:fs/promises"
import { join } from "node:path"
import { Quarantine, type QuarantineMeta, type QuarantineVerdictSummary as VerdictSummary } from "@mailmoat/core"

const { checkId, headerSummary, isValidId, QuarantineError, storeEnvelope, summarise } = Quarantine

/** Metadata files read at once by a listing. */
const READS_IN_FLIGHT = 16

export const isNotFound = (e: unknown) => (e as { code?: string } | undefined)?.code === "ENOENT"

export const ioError = (what: string, error: unknown, id?: string) =>
  error instanceof QuarantineError
    ? error
    : new QuarantineError("Io", `quarantine: ${what}: ${(error as Error)?.message ?? String(error)}`, id, error)

/** The earlier gateway writer's metadata file. */
export interface LegacyMeta {
  readonly id: string
  readonly file: string
  readonly storedAt: string
  readonly reason: string
  readonly recipients: ReadonlyArray<string>
  readonly envelope: QuarantineMeta["envelope"]
  readonly verdict?: VerdictSummary | undefined
  readonly confirmedAt?: string | undefined
  readonly virusFound?: QuarantineMeta["virusFound"]
}

/**
 * `read` over `names` with a few reads in flight: one await at a time, a listing of thousands
 * of entries took seconds, each read waiting its turn through the event loop alone.
 */
export const readEach = async <A>(
  names: ReadonlyArray<string>,
  read: (name: string) => Promise<A | undefined>
): Promise<Array<A | undefined>> => {
  const out: Array<A | undefined> = new Array(names.length)
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
  return out
}

export const readdirOrEmpty = async (dir: string) => {
  try {
    return await fsp.readdir(dir)
  } catch (e) {
    if (isNotFound(e)) return []
    throw ioError(`listing ${dir}`, e)
  }
}

export const makeEntries = (root: string) => {
  const entriesDir = join(root, "entries")
  const legacyMetaDir = join(root, "meta")
  const entryDir = (id: string) => join(entriesDir, checkId(id))

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
      ...(raw.confirmedAt ? { confirmedAt: raw.confirmedAt } : {}),
      ...(raw.virusFound ? { virusFound: raw.virusFound } : {})
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

  /** An entry of either kind; `missing` when neither exists, `damaged` when it cannot be read. */
  const load = async (id: string): Promise<QuarantineMeta | "missing" | "damaged"> => {
    try {
      return (await readEntry(id)) ?? (await readLegacy(id))?.meta ?? "missing"
    } catch {
      return "damaged"
    }
  }

  const legacyNames = async () =>
    (await readdirOrEmpty(legacyMetaDir)).filter((name) => name.endsWith(".json") && !name.startsWith("."))

  /** The ids of every entry, from the directory listings alone. */
  const ids = async (): Promise<Array<string>> => [
    ...(await readdirOrEmpty(entriesDir)).filter(isValidId),
    ...(await legacyNames()).map((name) => name.slice(0, -".json".length)).filter(isValidId)
  ]

  return { entriesDir, legacyMetaDir, entryDir, readEntry, readLegacy, load, ids, legacyNames }
}

export type Entries = ReturnType<typeof makeEntries>
