/**
 * Release claims for the embedded file quarantine: `<root>/claims/<id>.json`. A claim is written
 * whole to a temporary file first and then hard-linked to its name: `link` fails when the name
 * exists, so of several processes releasing one id exactly one creates it and delivers, and no
 * process ever reads a claim that is still being written (an `O_EXCL` create followed by a
 * write leaves an empty file for a moment, which a racing process must not take for a torn one).
 *
 * The file says who holds the claim (`owner`, a random token, `since`, pid, host). When the
 * release is done it is replaced (write, fsync, rename) by `{ releasedAt }` and stays for
 * `RELEASED_MEMORY_MS` as a memory of the release, so a late `release` of that id says "already
 * released" instead of "not found". `abandon` deletes it and the entry can be released again.
 *
 * A holder that crashed leaves its claim; after `CLAIM_LEASE_MS` a new release takes it over.
 * Take-overs of one id are serialised by a break lock (`.break-<id>`, also created by `link`):
 * its holder checks that the claim is still the stale one it read, and only then moves it aside.
 * A claim that does not parse (disk damage, an older writer) is stale once its file is older
 * than the lease.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import * as fsp from "node:fs/promises"
import { hostname } from "node:os"
import { join } from "node:path"
import { Quarantine, type QuarantineReleaseClaim as ReleaseClaim } from "@mailmoat/core"

const { alreadyReleased, CLAIM_LEASE_MS, QuarantineError, RELEASED_MEMORY_MS } = Quarantine

interface ClaimFile {
  readonly owner?: string | undefined
  readonly since?: string | undefined
  readonly pid?: number | undefined
  readonly host?: string | undefined
  readonly releasedAt?: string | undefined
  /** Set when the file does not parse: its modification time. */
  readonly tornAt?: number | undefined
}

const code = (e: unknown) => (e as { code?: string } | undefined)?.code

const readClaim = async (path: string): Promise<ClaimFile | undefined> => {
  try {
    return JSON.parse(await fsp.readFile(path, "utf8")) as ClaimFile
  } catch (e) {
    if (code(e) === "ENOENT") return undefined
    if (e instanceof SyntaxError) {
      const st = await fsp.stat(path).catch(() => undefined)
      return st === undefined ? undefined : { tornAt: st.mtimeMs }
    }
    throw e
  }
}

const writeDurably = async (path: string, text: string, flag: "wx" | "w") => {
  const h = await fsp.open(path, flag, 0o600)
  try {
    await h.writeFile(text)
    await h.sync()
  } finally {
    await h.close()
  }
}

export interface FileClaimOptions {
  /** `<root>/claims`. */
  readonly dir: string
  /** Whether the entry is still in the quarantine (entries or the earlier layout). */
  readonly exists: (id: string) => Promise<boolean>
  /** Removes the entry (the store's `remove`). */
  readonly remove: (id: string) => Promise<void>
  readonly now: () => number
}

const isStale = (c: ClaimFile, now: number): boolean => {
  if (c.releasedAt !== undefined) return false
  if (c.tornAt !== undefined) return now - c.tornAt > CLAIM_LEASE_MS
  const since = c.since === undefined ? Number.NaN : Date.parse(c.since)
  return Number.isNaN(since) || now - since > CLAIM_LEASE_MS
}

/** Creates `path` holding `text`, whole, or fails with EEXIST when it exists. */
const createWhole = async (dir: string, path: string, text: string) => {
  const tmp = join(dir, `.new-${randomBytes(8).toString("hex")}`)
  await writeDurably(tmp, text, "wx")
  try {
    await fsp.link(tmp, path)
  } finally {
    await fsp.rm(tmp, { force: true })
  }
}

export const claim = async (o: FileClaimOptions, id: string): Promise<ReleaseClaim> => {
  const path = join(o.dir, `${id}.json`)
  await fsp.mkdir(o.dir, { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await readClaim(path)
    if (existing !== undefined) {
      if (!isStale(existing, o.now())) throw alreadyReleased(id, existing)
      if (!(await breakStale(o, id, path, existing))) throw alreadyReleased(id, existing)
      continue
    }
    if (!(await o.exists(id))) throw new QuarantineError("NotFound", `no quarantined message with id ${id}`, id)
    const owner = randomBytes(12).toString("hex")
    const mine: ClaimFile = { owner, since: new Date(o.now()).toISOString(), pid: process.pid, host: hostname() }
    try {
      await createWhole(o.dir, path, JSON.stringify(mine))
    } catch (e) {
      if (code(e) === "EEXIST") throw alreadyReleased(id, (await readClaim(path)) ?? {})
      throw e
    }
    return held(o, id, path, owner)
  }
  throw alreadyReleased(id, (await readClaim(path)) ?? {})
}

const sameClaim = (a: ClaimFile | undefined, b: ClaimFile) =>
  a !== undefined && a.owner === b.owner && a.since === b.since && a.tornAt === b.tornAt

/**
 * Moves the stale claim `stale` aside, holding the id's break lock so that no other take-over
 * moves a claim made after it. False when another process holds the break lock.
 */
const breakStale = async (o: FileClaimOptions, id: string, path: string, stale: ClaimFile): Promise<boolean> => {
  const lock = join(o.dir, `.break-${id}`)
  try {
    await createWhole(o.dir, lock, JSON.stringify({ since: new Date(o.now()).toISOString(), pid: process.pid }))
  } catch (e) {
    if (code(e) !== "EEXIST") throw e
    // A take-over that died holding the lock: after the lease the lock is broken (the start-up
    // sweep removes it too).
    const st = await fsp.stat(lock).catch(() => undefined)
    if (st !== undefined && o.now() - st.mtimeMs > CLAIM_LEASE_MS) await fsp.rm(lock, { force: true })
    return false
  }
  try {
    // Only the holder of a claim removes it otherwise, so the claim checked here is the one moved.
    if (!sameClaim(await readClaim(path), stale)) return true
    const aside = join(o.dir, `.stale-${randomBytes(8).toString("hex")}`)
    try {
      await fsp.rename(path, aside)
    } catch (e) {
      if (code(e) !== "ENOENT") throw e
    }
    await fsp.rm(aside, { force: true })
    return true
  } finally {
    await fsp.rm(lock, { force: true })
  }
}

const held = (o: FileClaimOptions, id: string, path: string, owner: string): ReleaseClaim => {
  const stillMine = async () => (await readClaim(path))?.owner === owner
  return {
    complete: async () => {
      if (!(await stillMine())) throw alreadyReleased(id, (await readClaim(path)) ?? {})
      await o.remove(id).catch((e) => {
        if ((e as InstanceType<typeof QuarantineError>).reason !== "NotFound") throw e
      })
      const tmp = join(o.dir, `.${id}.${owner}.tmp`)
      await writeDurably(tmp, JSON.stringify({ releasedAt: new Date(o.now()).toISOString() }), "w")
      await fsp.rename(tmp, path)
    },
    abandon: async () => {
      if (await stillMine()) await fsp.rm(path, { force: true })
    }
  }
}

/** Forgets releases older than `RELEASED_MEMORY_MS` and claims left by crashed tools (start-up sweep). */
export const sweepClaims = async (dir: string, now: number): Promise<number> => {
  let names: Array<string>
  try {
    names = await fsp.readdir(dir)
  } catch (e) {
    if (code(e) === "ENOENT") return 0
    throw e
  }
  let removed = 0
  for (const name of names) {
    const path = join(dir, name)
    const c = name.startsWith(".") ? undefined : await readClaim(path).catch(() => undefined)
    const old = c?.releasedAt !== undefined ? now - Date.parse(c.releasedAt) > RELEASED_MEMORY_MS : false
    // Dot files are temporary files and stale-claim moves of a process that died mid-way.
    const leftover =
      name.startsWith(".") && now - (await fsp.stat(path).catch(() => ({ mtimeMs: now }))).mtimeMs > CLAIM_LEASE_MS
    if (old || leftover) {
      await fsp.rm(path, { force: true })
      removed++
    }
  }
  return removed
}
