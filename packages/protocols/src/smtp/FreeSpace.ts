/**
 * The free-space check at MAIL: before a client uploads a message, every directory the message
 * will be written to must have room for the declared `SIZE=` plus a reserve (Postfix
 * `queue_minfree`, Exim `check_spool_space`); otherwise 452 4.3.1 at MAIL instead of 451 after the
 * whole upload.
 *
 * **Gotchas**
 * - `statfs` reports blocks available to unprivileged users (`bavail`), so a root-run gateway
 *   still keeps the file system's reserved blocks free.
 * - When a directory cannot be examined (missing, or a runtime without `statfs`) the check passes
 *   and the problem is reported through `onError`: writing will then fail loudly (451) if it must.
 * - A directory with plenty of room (`HEADROOM` beyond what the MAIL needs) is asked at most
 *   once per `FRESH_MS`: `statfs` at every MAIL was a measurable part of the per-message cost.
 *   One nearer its limit is asked at every MAIL, so a disk filling up is seen at once.
 *
 * @category services
 * @since 0.1.0
 */
import { statfs } from "node:fs/promises"

export interface FreeSpaceOptions {
  /** Directories the message will be written to (spool, Maildir, quarantine). */
  readonly paths: ReadonlyArray<string>
  /** Bytes that must stay free beyond the declared message size. */
  readonly reserveBytes: number
  readonly onError?: (path: string, error: unknown) => void
}

/** Bytes available to the gateway under `path`; throws when it cannot be examined. */
export const availableBytes = async (path: string): Promise<number> => {
  const s = await statfs(path)
  return Number(s.bavail) * Number(s.bsize)
}

const FRESH_MS = 1000
const HEADROOM = 1024 ** 3
const recent = new Map<string, { readonly at: number; readonly bytes: number }>()

/** True when a recent look at `path` showed plenty of room for `needed` bytes. */
const plentyAt = (path: string, needed: number, now: number): boolean => {
  const seen = recent.get(path)
  return seen !== undefined && now - seen.at < FRESH_MS && now >= seen.at && seen.bytes >= needed + HEADROOM
}

/** Whether `path` has `needed` bytes; a recent look answers when it showed plenty of room. */
const roomAt = async (path: string, needed: number): Promise<boolean> => {
  const now = Date.now()
  if (plentyAt(path, needed, now)) return true
  const bytes = await availableBytes(path)
  recent.set(path, { at: now, bytes })
  return bytes >= needed
}

/**
 * The check for a MAIL command: its declared `SIZE=` (0 when absent) plus the reserve. `true` at
 * once, without a promise, when recent looks at every path showed plenty of room (the usual case).
 */
export const roomForMail = (
  options: FreeSpaceOptions,
  params: ReadonlyMap<string, string>
): Promise<boolean> | true => {
  const declared = Number(params.get("SIZE") ?? "0")
  const size = Number.isSafeInteger(declared) ? declared : 0
  const now = Date.now()
  const needed = size + options.reserveBytes
  if (options.paths.every((path) => plentyAt(path, needed, now))) return true
  return hasRoomFor(options, size)
}

/** True when every path has room for `size` bytes plus the reserve. */
export const hasRoomFor = async (options: FreeSpaceOptions, size: number): Promise<boolean> => {
  const needed = size + options.reserveBytes
  const results = await Promise.all(
    options.paths.map(async (path) => {
      try {
        return await roomAt(path, needed)
      } catch (error) {
        options.onError?.(path, error)
        return true
      }
    })
  )
  return results.every(Boolean)
}
