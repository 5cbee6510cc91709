/**
 * The file operations of the quarantine's index journal, safe with several processes writing
 * (the workers of the multi-process mode, the CLI) and one replacing the file (compaction,
 * rebuild):
 * - `append` opens the path without creating it, writes the record in one `write` (O_APPEND, so
 *   records of two processes never interleave), fsyncs, and then checks that the path still names
 *   the file it wrote to: if a compaction or rebuild replaced it meanwhile, the record is written
 *   again to the new file (a record twice is harmless: adding or removing an id twice is the same
 *   as once). A missing journal is left missing: the rebuild that follows reads the folders.
 * - `replace` writes a whole new journal beside the old one and renames it over, synced first.
 * - `lock` is an exclusive lock file (`O_EXCL`) with the holder's pid, for the rare writers that
 *   replace the journal; a holder that died leaves a lock the next one takes over (one taker at
 *   a time, under a break lock beside it).
 *
 * **Gotchas**
 * - The lock's staleness test is `kill(pid, 0)`: an embedded quarantine belongs to one machine.
 * - Records appended while a compaction runs reach the new journal when it copies them, just
 *   after its rename: a reader in between misses them (an entry just stored, or still lists one
 *   just removed) until its next read.
 *
 * @since 0.1.0
 */
import { constants } from "node:fs"
import * as fsp from "node:fs/promises"
import { dirname } from "node:path"
import { isNotFound } from "./FileQuarantineEntries.ts"

const sameFile = (a: { ino: number; dev: number }, b: { ino: number; dev: number }) =>
  a.ino === b.ino && a.dev === b.dev

/** Appends one record; false when there is no journal to append to. */
export const append = async (path: string, record: Uint8Array): Promise<boolean> => {
  for (let attempt = 0; attempt < 8; attempt++) {
    let h: fsp.FileHandle
    try {
      h = await fsp.open(path, constants.O_WRONLY | constants.O_APPEND)
    } catch (e) {
      if (isNotFound(e)) return false
      throw e
    }
    let written: { ino: number; dev: number }
    try {
      const { bytesWritten } = await h.write(record, 0, record.length)
      if (bytesWritten !== record.length) throw new Error(`short write to ${path}`)
      await h.datasync()
      written = await h.stat()
    } finally {
      await h.close()
    }
    try {
      if (sameFile(await fsp.stat(path), written)) return true
    } catch (e) {
      if (isNotFound(e)) return false
      throw e
    }
  }
  throw new Error(`${path} kept being replaced while appending`)
}

export const fsyncDir = async (dir: string): Promise<void> => {
  const h = await fsp.open(dir, "r")
  try {
    await h.sync()
  } finally {
    await h.close()
  }
}

/** Writes `records` as the new journal at `path`, durably, in one rename. */
export const replace = async (path: string, records: Iterable<Uint8Array>): Promise<void> => {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  const h = await fsp.open(tmp, "wx", 0o600)
  try {
    let batch: Array<Uint8Array> = []
    let size = 0
    const flush = async () => {
      if (batch.length > 0) await h.writev(batch)
      batch = []
      size = 0
    }
    for (const r of records) {
      batch.push(r)
      size += r.length
      if (size >= 256 * 1024) await flush()
    }
    await flush()
    await h.sync()
  } catch (e) {
    await h.close()
    await fsp.rm(tmp, { force: true })
    throw e
  }
  await h.close()
  await fsp.rename(tmp, path)
  await fsyncDir(dirname(path))
}

/** Creates an empty journal unless one exists (a new quarantine has nothing to rebuild). */
export const create = async (path: string): Promise<void> => {
  try {
    await (await fsp.open(path, "wx", 0o600)).close()
    await fsyncDir(dirname(path))
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") throw e
  }
}

export interface Snapshot {
  readonly file: { readonly ino: number; readonly dev: number }
  readonly bytes: Uint8Array
  /** The journal's size when read (`offset + bytes.length`). */
  readonly size: number
  readonly mtimeMs: number
}

const openIfExists = async (path: string): Promise<fsp.FileHandle | undefined> => {
  try {
    return await fsp.open(path, "r")
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** `length` bytes from `from`, fewer when the file is shorter. */
const readRange = async (h: fsp.FileHandle, from: number, length: number): Promise<Uint8Array> => {
  const bytes = new Uint8Array(Math.max(0, length))
  let at = 0
  while (at < bytes.length) {
    const { bytesRead } = await h.read(bytes, at, bytes.length - at, from + at)
    if (bytesRead === 0) break
    at += bytesRead
  }
  return bytes.subarray(0, at)
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * The journal's bytes from `offset`, or from 0 when the file is no longer `known` (replaced);
 * undefined when there is none. `before` is what the caller read just before `offset`: a file
 * with `known`'s inode and device but other bytes there is another file (ext4 hands a freed inode
 * number to the next file created, so the second of two compactions while the caller was idle
 * can give the journal its old number back).
 */
export const read = async (
  path: string,
  known: Snapshot["file"] | undefined,
  offset: number,
  before: Uint8Array = new Uint8Array(0)
): Promise<(Snapshot & { readonly from: number }) | undefined> => {
  const h = await openIfExists(path)
  if (h === undefined) return undefined
  try {
    const st = await h.stat()
    const same =
      known !== undefined &&
      sameFile(st, known) &&
      st.size >= offset &&
      before.length <= offset &&
      sameBytes(await readRange(h, offset - before.length, before.length), before)
    const from = same ? offset : 0
    const bytes = await readRange(h, from, st.size - from)
    return { file: { ino: st.ino, dev: st.dev }, bytes, size: from + bytes.length, mtimeMs: st.mtimeMs, from }
  } finally {
    await h.close()
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as { code?: string }).code === "EPERM"
  }
}

/** A lock file as one taker saw it: its inode and text, and when it was written. */
interface Seen {
  readonly ino: number
  readonly text: string
  readonly mtimeMs: number
}

const look = async (path: string): Promise<Seen | undefined> => {
  let h: fsp.FileHandle
  try {
    h = await fsp.open(path, "r")
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
  try {
    const st = await h.stat()
    return { ino: st.ino, text: await h.readFile("utf8"), mtimeMs: st.mtimeMs }
  } finally {
    await h.close()
  }
}

/** Past this a lock without a pid (its writer died between create and write), or a break lock, is stale. */
const NO_PID_STALE_MS = 5000

/** A lock whose holder died, or that never got a pid. */
const isStale = (seen: Seen): boolean => {
  const holder = Number.parseInt(seen.text, 10)
  if (Number.isInteger(holder) && holder > 0) return !alive(holder)
  return Date.now() - seen.mtimeMs > NO_PID_STALE_MS
}

/**
 * Removes the stale lock `seen` at `path` holding its break lock (`<path>.break`, `O_EXCL`), and
 * only if the file there is still `seen`: two takers that both judged a dead holder's lock stale
 * would otherwise each remove what is there, the second one the lock the first just took, and
 * both would hold it. False when another taker holds the break lock.
 */
const breakStale = async (path: string, seen: Seen): Promise<boolean> => {
  const breaker = `${path}.break`
  try {
    await (await fsp.open(breaker, "wx", 0o600)).close()
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") throw e
    // A taker that died holding it (its section is two calls long): removed once it is old.
    const st = await fsp.stat(breaker).catch(() => undefined)
    if (st !== undefined && Date.now() - st.mtimeMs > NO_PID_STALE_MS) await fsp.rm(breaker, { force: true })
    return false
  }
  try {
    // Besides a break lock's holder only a lock's owner removes it, and this one's owner is dead.
    const now = await look(path)
    if (now !== undefined && now.ino === seen.ino && now.text === seen.text) await fsp.rm(path, { force: true })
    return true
  } finally {
    await fsp.rm(breaker, { force: true })
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `f` holding the lock at `path`; waits for a live holder (polling), or gives up at once
 * (undefined) when not `wait`; takes over a dead one's.
 */
export const withLock = async <A>(path: string, f: () => Promise<A>, wait = true): Promise<A | undefined> => {
  for (;;) {
    try {
      const h = await fsp.open(path, "wx", 0o600)
      try {
        await h.write(`${process.pid}\n`)
      } finally {
        await h.close()
      }
      break
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e
    }
    const seen = await look(path)
    if (seen === undefined) continue // released meanwhile
    if (isStale(seen) && (await breakStale(path, seen))) continue
    if (!wait) return undefined
    await pause(50)
  }
  try {
    return await f()
  } finally {
    await fsp.rm(path, { force: true })
  }
}

/**
 * Replaces the journal at `path`, known as `file` and read up to `offset`, with `records` (what
 * it held up to `offset`), then copies the records other processes appended after `offset`, read
 * from the old file after the rename. False when `path` is no longer `file` (someone else
 * replaced it first).
 */
export const compact = async (
  path: string,
  file: Snapshot["file"],
  offset: number,
  records: Iterable<Uint8Array>
): Promise<boolean> => {
  const old = await openIfExists(path)
  if (old === undefined) return false
  try {
    if (!sameFile(await old.stat(), file)) return false
    await replace(path, records)
    // Appends that reached the old file before the rename: their writers saw no replacement.
    const tail = await readRange(old, offset, (await old.stat()).size - offset)
    let start = 0
    for (let nl = tail.indexOf(0x0a, 0); nl >= 0; nl = tail.indexOf(0x0a, start)) {
      await append(path, tail.subarray(start, nl + 1))
      start = nl + 1
    }
    return true
  } finally {
    await old.close()
  }
}
