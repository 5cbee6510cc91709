/**
 * Start-up sweep of the SMTP spool directory. A spool file is scratch space for one DATA (see
 * SpoolWriter): the reply to DATA is sent only after the hand-off (downstream 250, Maildir or
 * quarantine fsync), and the file is deleted right after the reply. So a file left by a crash
 * is either a message never acknowledged (the client retries it) or one already handed off
 * (the crash came between the reply and the delete): never one we still owe anyone, and every
 * leftover can go.
 *
 * Only our own names (`mailmoat-spool-<pid>-<random>`) are touched, and only when that process
 * is gone or is this one (nothing is in flight before the listener starts): another gateway
 * that shares the directory keeps its files.
 *
 * @category services
 * @since 0.1.0
 */
import { readdir, stat, unlink } from "node:fs/promises"
import { join } from "node:path"

const SPOOL_NAME = /^mailmoat-spool-(\d+)-[0-9a-f]+$/

/** True when no process with this pid exists (EPERM means it exists under another user). */
export const processGone = (pid: number): boolean => {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return false
  } catch (e) {
    return (e as { code?: string }).code === "ESRCH"
  }
}

export interface SweepResult {
  readonly files: number
  readonly bytes: number
}

/** Deletes spool files of dead gateway processes under `dir` (a missing directory is empty). */
export const sweepSpool = async (dir: string): Promise<SweepResult> => {
  let names: Array<string>
  try {
    names = await readdir(dir)
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return { files: 0, bytes: 0 }
    throw e
  }
  let files = 0
  let bytes = 0
  for (const name of names) {
    const m = SPOOL_NAME.exec(name)
    if (m === null || !processGone(Number(m[1]))) continue
    const path = join(dir, name)
    const size = await stat(path).then(
      (s) => s.size,
      () => 0
    )
    await unlink(path).then(
      () => {
        files++
        bytes += size
      },
      () => undefined
    )
  }
  return { files, bytes }
}
