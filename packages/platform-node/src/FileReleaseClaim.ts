/**
 * Release claims for the embedded file quarantine: `<root>/claims/<id>.json`, created with
 * O_EXCL (`wx`), so of several processes releasing one id exactly one creates it and delivers.
 *
 * The file says who holds the claim (`owner`, a random token, `since`, pid, host). When the
 * release is done it is replaced (write, fsync, rename) by `{ releasedAt }` and stays for
 * `RELEASED_MEMORY_MS` as a memory of the release, so a late `release` of that id says "already
 * released" instead of "not found". `abandon` deletes it and the entry can be released again.
 *
 * A holder that crashed leaves its claim; after `CLAIM_LEASE_MS` a new release takes it over by
 * renaming it aside (one rename wins) and checking that what it moved is the stale claim it read.
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
}

const code = (e: unknown) => (e as { code?: string } | undefined)?.code

const readClaim = async (path: string): Promise<ClaimFile | undefined> => {
  try {
    return JSON.parse(await fsp.readFile(path, "utf8")) as ClaimFile
  } catch (e) {
    if (code(e) === "ENOENT") return undefined
    // A claim torn by a crash between create and write has no owner: it is stale at once.
    if (e instanceof SyntaxError) return {}
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

const isStale = (c: ClaimFile, now: number) =>
  c.releasedAt === undefined &&
  (c.since === undefined || now - Date.parse(c.since) > CLAIM_LEASE_MS || Number.isNaN(Date.parse(c.since)))

export const claim = async (o: FileClaimOptions, id: string): Promise<ReleaseClaim> => {
  const path = join(o.dir, `${id}.json`)
  await fsp.mkdir(o.dir, { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await readClaim(path)
    if (existing !== undefined) {
      if (!isStale(existing, o.now())) throw alreadyReleased(id, existing)
      await breakStale(o.dir, path, existing)
      continue
    }
    if (!(await o.exists(id))) throw new QuarantineError("NotFound", `no quarantined message with id ${id}`, id)
    const owner = randomBytes(12).toString("hex")
    const mine: ClaimFile = { owner, since: new Date(o.now()).toISOString(), pid: process.pid, host: hostname() }
    try {
      await writeDurably(path, JSON.stringify(mine), "wx")
    } catch (e) {
      if (code(e) === "EEXIST") throw alreadyReleased(id, (await readClaim(path)) ?? {})
      throw e
    }
    return held(o, id, path, owner)
  }
  throw alreadyReleased(id, (await readClaim(path)) ?? {})
}

/** Moves a stale claim aside; if a fresh one was moved by mistake (a race), it is put back. */
const breakStale = async (dir: string, path: string, stale: ClaimFile) => {
  const aside = join(dir, `.stale-${randomBytes(8).toString("hex")}`)
  try {
    await fsp.rename(path, aside)
  } catch (e) {
    if (code(e) === "ENOENT") return // another release broke it first
    throw e
  }
  const moved = await readClaim(aside)
  if (moved !== undefined && moved.owner !== stale.owner) await fsp.link(aside, path).catch(() => {})
  await fsp.rm(aside, { force: true })
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
