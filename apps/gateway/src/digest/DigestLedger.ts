/**
 * What the quarantine digest has sent, and who may run it now. Embedded, the ledger is
 * `<dataDir>/digest-state.json` (written atomically after each change) and a run holds
 * `<dataDir>/digest-run.lock`, so the gateway's daily run and `mailmoat quarantine digest` on
 * the same data directory never send at the same time. With `state.backend: redis` it is the
 * fleet's (`RedisDigestLedger` of `@mailmoat/redis`), so every node may have the digest enabled.
 *
 * **Gotchas**
 * - A lock file whose process is gone (a crash mid-run) is stale and taken over; one held by a
 *   live process on this host is respected. A file naming this process's own pid that this
 *   process does not hold is stale too (a restarted container's gateway is pid 1 again). The
 *   lock names no host: a data directory is one host's.
 * - An unreadable or damaged state file reads as empty (the first run then covers the last 24
 *   hours), as before the ledger existed.
 *
 * @category services
 * @since 0.1.0
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs"
import { join } from "node:path"

export interface DigestRecord {
  /** Per recipient (lower case): entries stored before this ISO time were in a digest already. */
  readonly sentUpTo: Readonly<Record<string, string>>
  /** When the last run started (ISO). */
  readonly lastRun?: string | undefined
}

/** What `exclusive` did: ran `f` and kept its value, or found the run held by another. */
export type Exclusive<A> = { readonly ran: true; readonly value: A } | { readonly ran: false; readonly holder: string }

export interface DigestLedger {
  /** Where the ledger lives, for messages. */
  readonly where: string
  readonly read: () => Promise<DigestRecord>
  readonly markSent: (recipient: string, upTo: string) => Promise<void>
  readonly markRun: (at: string) => Promise<void>
  /** Runs `f` while no other run (process or node) does; otherwise `f` is not run. */
  readonly exclusive: <A>(f: () => Promise<A>) => Promise<Exclusive<A>>
}

const readRecord = (file: string): { sentUpTo: Record<string, string>; lastRun?: string | undefined } => {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as Partial<DigestRecord>
    return {
      sentUpTo:
        typeof v.sentUpTo === "object" && v.sentUpTo !== null ? { ...(v.sentUpTo as Record<string, string>) } : {},
      lastRun: typeof v.lastRun === "string" ? v.lastRun : undefined
    }
  } catch {
    return { sentUpTo: {} }
  }
}

const writeRecord = (file: string, record: DigestRecord): void => {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`)
  renameSync(tmp, file)
}

/** Whether process `pid` is alive on this host (a signal-0 probe; EPERM means it exists). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** The lock file's holder pid, or undefined when the file is gone or holds no pid. */
const lockHolder = (file: string): number | undefined => {
  try {
    const pid = Number((JSON.parse(readFileSync(file, "utf8")) as { pid?: unknown }).pid)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Lock files this process holds now; one naming our pid that is not in here is stale. */
const held = new Set<string>()

/** Takes the lock file, or names the live process holding it. */
const takeLock = (file: string): { taken: true } | { taken: false; holder: string } => {
  if (held.has(file)) return { taken: false, holder: "this process" }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600)
      try {
        writeSync(fd, `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`)
      } finally {
        closeSync(fd)
      }
      held.add(file)
      return { taken: true }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
    }
    const pid = lockHolder(file)
    if (pid !== undefined && pid !== process.pid && alive(pid)) return { taken: false, holder: `pid ${pid}` }
    // Stale: its process is gone (or it was never written whole). Take it over once.
    try {
      unlinkSync(file)
    } catch {}
  }
  return { taken: false, holder: "another process" }
}

/** The embedded ledger: files in `dataDir`. */
export const fileLedger = (dataDir: string): DigestLedger => {
  const stateFile = join(dataDir, "digest-state.json")
  const lockFile = join(dataDir, "digest-run.lock")
  return {
    where: stateFile,
    read: async () => readRecord(stateFile),
    markSent: async (recipient, upTo) => {
      const record = readRecord(stateFile)
      record.sentUpTo[recipient] = upTo
      writeRecord(stateFile, record)
    },
    markRun: async (at) => {
      writeRecord(stateFile, { ...readRecord(stateFile), lastRun: at })
    },
    exclusive: async (f) => {
      // A digest can be the first thing written there (a Redis quarantine, a CLI run).
      mkdirSync(dataDir, { recursive: true })
      const lock = takeLock(lockFile)
      if (!lock.taken) return { ran: false, holder: lock.holder }
      try {
        return { ran: true, value: await f() }
      } finally {
        held.delete(lockFile)
        try {
          unlinkSync(lockFile)
        } catch {}
      }
    }
  }
}
