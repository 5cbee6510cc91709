/**
 * One digest run: every recipient with mail quarantined since their last digest gets one message
 * (`DigestMessage.ts`) through the configured delivery, with a signed link valid for
 * `quarantine.digest.linkTtlHours`. Run daily by the gateway at `quarantine.digest.at`, or at
 * once with `mailmoat quarantine digest`.
 *
 * What was sent is remembered per recipient in `<dataDir>/digest-state.json` (written
 * atomically after each successful delivery), so a failed delivery is retried by the next run
 * and a success is never repeated. The first run covers the last 24 hours. The time of the last
 * run is kept there too, so a restart does not send a second digest the same day.
 *
 * @category services
 * @since 0.1.0
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { QuarantineMeta, QuarantineStoreShape } from "@mailmoat/core"
import { deliverMessage } from "../admin/Reinject.ts"
import type { GatewaySettings } from "../Settings.ts"
import { digestMessage } from "./DigestMessage.ts"
import { digestKey, signLink } from "./DigestLinks.ts"

export interface DigestResult {
  readonly recipient: string
  readonly messages: number
  readonly sent: boolean
  readonly error?: string | undefined
}

interface DigestState {
  /** Per recipient: entries stored before this ISO time were in a digest already. */
  readonly sentUpTo: Record<string, string>
  /** When the last run started (ISO). */
  lastRun?: string | undefined
}

const stateFile = (dataDir: string) => join(dataDir, "digest-state.json")

const readState = (dataDir: string): DigestState => {
  try {
    const v = JSON.parse(readFileSync(stateFile(dataDir), "utf8")) as Partial<DigestState>
    return {
      sentUpTo: typeof v.sentUpTo === "object" && v.sentUpTo !== null ? { ...v.sentUpTo } : {},
      lastRun: typeof v.lastRun === "string" ? v.lastRun : undefined
    }
  } catch {
    return { sentUpTo: {} }
  }
}

const writeState = (dataDir: string, state: DigestState) => {
  const tmp = `${stateFile(dataDir)}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(tmp, stateFile(dataDir))
}

const isAddress = (s: string) => /^[^\s@<>"]+@[^\s@<>"]+$/.test(s)

export const runDigest = async (
  settings: GatewaySettings,
  store: QuarantineStoreShape,
  now: number,
  /** The links' key: the fleet's with shared state (Redis); default `<dataDir>/digest.key`. */
  key: () => Buffer | Promise<Buffer> = () => digestKey(settings.dataDir)
): Promise<ReadonlyArray<DigestResult>> => {
  const d = settings.config.quarantine.digest
  if (d.from === undefined || d.baseUrl === undefined)
    throw new Error("quarantine.digest: set from and baseUrl to send digests")
  const runAt = new Date(now).toISOString()
  const firstSince = new Date(now - 24 * 3600_000).toISOString()
  const state = readState(settings.dataDir)
  const entries = (await store.list({ limit: Number.MAX_SAFE_INTEGER })).entries
  const byRecipient = new Map<string, Array<QuarantineMeta>>()
  for (const m of entries) {
    if (m.storedAt >= runAt) continue
    for (const r of new Set(m.recipients.map((x) => x.toLowerCase()))) {
      if (!isAddress(r) || m.storedAt < (state.sentUpTo[r] ?? firstSince)) continue
      byRecipient.set(r, [...(byRecipient.get(r) ?? []), m])
    }
  }
  const linkKey = await key()
  const expires = new Date(now + d.linkTtlHours * 3600_000)
  const results: Array<DigestResult> = []
  for (const [recipient, list] of [...byRecipient].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const token = signLink(linkKey, { recipient, expires: Math.floor(expires.getTime() / 1000) })
    const bytes = digestMessage({
      from: d.from,
      recipient,
      hostname: settings.smtp.hostname,
      entries: list.sort((a, b) => (a.storedAt < b.storedAt ? -1 : 1)),
      link: `${d.baseUrl.replace(/\/+$/, "")}/q/${token}`,
      linkExpires: expires,
      now
    })
    try {
      const r = await deliverMessage(
        settings.delivery,
        settings.smtp.hostname,
        { mailFrom: d.from, rcptTo: [recipient], size: bytes.length },
        async function* () {
          yield bytes
        }
      )
      if (r.refused.length > 0) throw new Error(r.refused.map((x) => x.reply).join("; "))
      state.sentUpTo[recipient] = runAt
      writeState(settings.dataDir, state)
      results.push({ recipient, messages: list.length, sent: true })
    } catch (e) {
      results.push({ recipient, messages: list.length, sent: false, error: (e as Error).message })
    }
  }
  state.lastRun = runAt
  writeState(settings.dataDir, state)
  return results
}

/** When the last digest run of this data directory started (ISO), if any. */
export const lastDigestRun = (dataDir: string): string | undefined => readState(dataDir).lastRun
