/**
 * The quarantine page's sessions of an embedded gateway, kept in its data directory
 * (`<dataDir>/web-sessions/`, one small file per session) so a restart or an upgrade does not log
 * the admins out. A fleet keeps them in Redis instead (`SessionValues` over
 * `RedisExpiringValues`).
 *
 * **Gotchas**
 * - Names are digests of session ids (base64url); anything else is refused, so a name can never
 *   leave the folder. The file holds the session's value (its CSRF token and a digest of the admin
 *   token), never the id: the id is the credential, and only its digest is on disk.
 * - A file is written under a unique temporary name and renamed into place (readers see the old
 *   session or the new one), mode 0600.
 * - Expired files (and temporary ones a crash left) are removed when a session is opened, at most
 *   once a minute, and at most `MAX_FILES` are kept (the ones nearest expiry go first), so a flood
 *   of logins cannot fill the disk.
 * - A file that cannot be read or parsed is no session; it is never an error for the page.
 * - A session that cannot be written (full disk, read-only folder) is kept in this process's
 *   memory instead: the admin can still log in, and only that login ends with the process.
 *
 * @category constructors
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { expireAndCap } from "./ExpireAndCap.ts"
import { memorySessionValues, type SessionValues } from "./Sessions.ts"

const MAX_FILES = 1000
const NAME = /^[A-Za-z0-9_-]{16,128}$/
const SUFFIX = ".session"
/** A temporary file this old was left by a crash between its write and its rename. */
const STALE_TEMPORARY_MS = 60_000
const SWEEP_EVERY_MS = 60_000

interface Stored {
  readonly value: string
  readonly expires: number
}

const parse = (text: string): Stored | undefined => {
  try {
    const v = JSON.parse(text) as Partial<Stored>
    return typeof v.value === "string" && typeof v.expires === "number"
      ? { value: v.value, expires: v.expires }
      : undefined
  } catch {
    return undefined
  }
}

export const fileSessionValues = (dir: string, now: () => number = Date.now): SessionValues => {
  const fileOf = (name: string): string => {
    if (!NAME.test(name)) throw new Error("session name is not a digest")
    return join(dir, `${name}${SUFFIX}`)
  }
  const read = async (file: string): Promise<Stored | undefined> => {
    try {
      return parse(await readFile(file, "utf8"))
    } catch {
      return undefined
    }
  }
  const fallback = memorySessionValues(now)
  let lastSweep = Number.NEGATIVE_INFINITY
  /** Expired and stale files at most once a minute; the cap whenever the folder is full. */
  const prune = async (): Promise<void> => {
    const all = await readdir(dir).catch(() => [] as Array<string>)
    const names = all.filter((n) => n.endsWith(SUFFIX))
    const t = now()
    if (t - lastSweep < SWEEP_EVERY_MS && names.length < MAX_FILES) return
    lastSweep = t
    for (const name of all.filter((n) => n.endsWith(".tmp"))) {
      const file = join(dir, name)
      const info = await stat(file).catch(() => undefined)
      if (info !== undefined && Date.now() - info.mtimeMs > STALE_TEMPORARY_MS) await rm(file, { force: true })
    }
    const files: Array<{ readonly file: string; readonly expires: number }> = []
    for (const name of names) {
      const file = join(dir, name)
      // An unreadable or corrupt file is no session: it goes as an expired one.
      files.push({ file, expires: (await read(file))?.expires ?? Number.NEGATIVE_INFINITY })
    }
    const gone = expireAndCap(files, {
      expired: (f) => f.expires <= t,
      room: MAX_FILES - 1,
      firstOut: (a, b) => a.expires - b.expires
    })
    for (const { file } of gone) await rm(file, { force: true })
  }
  return {
    set: async (name, value, ttlMillis) => {
      const file = fileOf(name)
      const temporary = join(dir, `.${randomBytes(8).toString("hex")}.tmp`)
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 })
        await prune()
        await writeFile(temporary, JSON.stringify({ value, expires: now() + ttlMillis } satisfies Stored), {
          mode: 0o600
        })
        await rename(temporary, file)
      } catch {
        await rm(temporary, { force: true }).catch(() => undefined)
        await fallback.set(name, value, ttlMillis)
      }
    },
    get: async (name) => {
      if (!NAME.test(name)) return undefined
      const stored = await read(fileOf(name))
      if (stored === undefined) return fallback.get(name)
      return stored.expires <= now() ? undefined : stored.value
    },
    remove: async (name) => {
      if (!NAME.test(name)) return
      await fallback.remove(name)
      await rm(fileOf(name), { force: true }).catch(() => undefined)
    }
  }
}
