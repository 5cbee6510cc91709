/**
 * The gateway's quarantine writer: each quarantined message is stored durably under the
 * quarantine directory, the message in a Maildir (`<path>/messages/{tmp,new,cur}`, written with
 * the same tmp + fsync + rename + directory fsync path as local delivery) and its envelope,
 * recipients, reason and verdict in `<path>/meta/<id>.json` (also fsync'ed), so a release or an
 * inspection has everything the decision was based on.
 *
 * The metadata is written after the message: a crash in between leaves a message without
 * metadata (found by listing), never metadata pointing at nothing.
 *
 * @category services
 * @since 0.1.0
 */
import type { Envelope, Verdict } from "@mailmoat/core"
import { Delivery } from "@mailmoat/protocols"
import { mkdir, open, rename } from "node:fs/promises"
import { basename, join } from "node:path"

export interface QuarantineEntry {
  readonly envelope: Envelope.Envelope
  /** The recipients this copy was quarantined for. */
  readonly recipients: ReadonlyArray<string>
  readonly reason: string
  readonly verdict?: Verdict | undefined
}

export interface Quarantine {
  readonly path: string
  /** Stores the message durably; resolves with its id. Failures throw a temporary DeliveryError. */
  readonly put: (entry: QuarantineEntry, source: () => AsyncIterable<Uint8Array>) => Promise<string>
}

const syncDir = async (dir: string): Promise<void> => {
  const h = await open(dir, "r")
  try {
    await h.sync()
  } finally {
    await h.close()
  }
}

const writeDurably = async (dir: string, name: string, text: string): Promise<void> => {
  const tmp = join(dir, `.${name}.tmp`)
  const h = await open(tmp, "wx", 0o600)
  try {
    await h.writeFile(text)
    await h.sync()
  } finally {
    await h.close()
  }
  await rename(tmp, join(dir, name))
  await syncDir(dir)
}

export const fileQuarantine = (path: string, hostname: string): Quarantine => {
  const maildir = new Delivery.MaildirDelivery({ root: path, hostname })
  const metaDir = join(path, "meta")
  let metaReady = false
  return {
    path,
    put: async (entry, source) => {
      const [stored] = await maildir.deliver(["messages"], source)
      const id = basename(stored!.path)
      try {
        if (!metaReady) {
          await mkdir(metaDir, { recursive: true })
          metaReady = true
        }
        const { envelope } = entry
        const meta = {
          id,
          file: stored!.path,
          storedAt: new Date().toISOString(),
          reason: entry.reason,
          recipients: entry.recipients,
          envelope: { ...envelope, sessionFlags: [...envelope.sessionFlags] },
          verdict: entry.verdict
        }
        await writeDurably(metaDir, `${id}.json`, JSON.stringify(meta, null, 2))
      } catch (error) {
        throw new Delivery.DeliveryError("LocalIo", `quarantine metadata for ${id} could not be stored: ${(error as Error).message}`, undefined, error)
      }
      return id
    }
  }
}
