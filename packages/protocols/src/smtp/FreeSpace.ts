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
 * - A directory's free space is asked at most once per `FRESH_MS` (MAIL commands arriving
 *   meanwhile share the answer): `statfs` per MAIL was a measurable part of the per-message cost,
 *   and the reserve is there to cover what a second's worth of uploads can take.
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
const recent = new Map<string, { readonly at: number; readonly bytes: Promise<number> }>()

/** `availableBytes`, answered from the last second's look when there is one. */
const freshAvailableBytes = (path: string): Promise<number> => {
  const now = Date.now()
  const seen = recent.get(path)
  if (seen !== undefined && now - seen.at < FRESH_MS && now >= seen.at) return seen.bytes
  const bytes = availableBytes(path)
  const entry = { at: now, bytes }
  recent.set(path, entry)
  // A failed look is not remembered: the next MAIL asks again.
  bytes.catch(() => {
    if (recent.get(path) === entry) recent.delete(path)
  })
  return bytes
}

/** The check for a MAIL command: its declared `SIZE=` (0 when absent) plus the reserve. */
export const roomForMail = (options: FreeSpaceOptions, params: ReadonlyMap<string, string>): Promise<boolean> => {
  const size = Number(params.get("SIZE") ?? "0")
  return hasRoomFor(options, Number.isSafeInteger(size) ? size : 0)
}

/** True when every path has room for `size` bytes plus the reserve. */
export const hasRoomFor = async (options: FreeSpaceOptions, size: number): Promise<boolean> => {
  const needed = size + options.reserveBytes
  const results = await Promise.all(
    options.paths.map(async (path) => {
      try {
        return (await freshAvailableBytes(path)) >= needed
      } catch (error) {
        options.onError?.(path, error)
        return true
      }
    })
  )
  return results.every(Boolean)
}
