/**
 * Start-up sweep of the Maildir's `tmp/` directories. A file in `<mailbox>/tmp/` is a delivery
 * that never reached `new/` (the Maildir hand-off renames only after the fsync), so nothing
 * acknowledged is in there. Removed:
 * - our own files (MaildirDelivery's unique names with this host) whose writing process is gone
 *   or is this one: a crash left them;
 * - any other file older than `maxAgeMs` (default 36 hours, the age the Maildir convention gives
 *   readers for cleaning `tmp/`): a local IMAP server sharing the Maildir may be writing its own.
 *
 * @category services
 * @since 0.1.0
 */
import { readdir, stat, unlink } from "node:fs/promises"
import { join } from "node:path"
import { processGone, type SweepResult } from "../smtp/SpoolSweep.ts"
import { escapeHost } from "./MaildirDelivery.ts"

export const MAILDIR_TMP_MAX_AGE_MS = 36 * 3600_000

const readdirOrEmpty = (dir: string) =>
  readdir(dir).catch((e: { code?: string }) => {
    if (e.code === "ENOENT" || e.code === "ENOTDIR") return [] as Array<string>
    throw e
  })

export const sweepMaildirTmp = async (
  root: string,
  host: string,
  maxAgeMs = MAILDIR_TMP_MAX_AGE_MS,
  now = Date.now()
): Promise<SweepResult> => {
  const ours = new RegExp(
    `^\\d+\\.M\\d+P(\\d+)Q\\d+R[0-9a-f]+\\.${escapeHost(host).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`
  )
  let files = 0
  let bytes = 0
  for (const mailbox of await readdirOrEmpty(root)) {
    const tmp = join(root, mailbox, "tmp")
    for (const name of await readdirOrEmpty(tmp)) {
      const path = join(tmp, name)
      const s = await stat(path).catch(() => undefined)
      if (s === undefined || !s.isFile()) continue
      const m = ours.exec(name)
      if (!((m !== null && processGone(Number(m[1]))) || now - s.mtimeMs > maxAgeMs)) continue
      await unlink(path).then(
        () => {
          files++
          bytes += s.size
        },
        () => undefined
      )
    }
  }
  return { files, bytes }
}
