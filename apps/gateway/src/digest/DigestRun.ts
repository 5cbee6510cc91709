/**
 * One digest run: every recipient with mail quarantined since their last digest gets one message
 * (`DigestMessage.ts`) through the configured delivery, with a signed link valid for
 * `quarantine.digest.linkTtlHours`. Run daily by the gateway at `quarantine.digest.at`, or at
 * once with `mailmoat quarantine digest`.
 *
 * What was sent is remembered per recipient in the ledger (`DigestLedger.ts`: files in the data
 * directory, or the fleet's in Redis), recorded after each successful delivery, so a failed
 * delivery is retried by the next run and a success is never repeated. The first run covers the
 * last 24 hours. The time of the last run is kept there too, so a restart, or another node of
 * the fleet, does not send a second digest the same day. A run holds the ledger's lock from
 * reading to its last record: two runs never send at once.
 *
 * @category services
 * @since 0.1.0
 */
import type { QuarantineMeta, QuarantineStoreShape } from "@mailmoat/core"
import { deliverMessage } from "../admin/Reinject.ts"
import type { GatewaySettings } from "../Settings.ts"
import { digestMessage } from "./DigestMessage.ts"
import { type DigestLedger, type DigestRecord, fileLedger } from "./DigestLedger.ts"
import { digestKey, signLink } from "./DigestLinks.ts"

export interface DigestResult {
  readonly recipient: string
  readonly messages: number
  readonly sent: boolean
  readonly error?: string | undefined
}

export interface DigestOptions {
  /** The links' key: the fleet's with shared state (Redis); default `<dataDir>/digest.key`. */
  readonly key?: (() => Buffer | Promise<Buffer>) | undefined
  /** What was sent, and the lock of a run: the fleet's with shared state; default the data directory's. */
  readonly ledger?: DigestLedger | undefined
}

/** Another run (a process on this host, or a node of the fleet) is sending the digest now. */
export class DigestBusyError extends Error {
  constructor(
    readonly holder: string,
    readonly where: string
  ) {
    super(`another digest run is in progress (${holder}, ${where}): try again when it has finished`)
    this.name = "DigestBusyError"
  }
}

const isAddress = (s: string) => /^[^\s@<>"]+@[^\s@<>"]+$/.test(s)

const ledgerOf = (settings: GatewaySettings, options: DigestOptions) => options.ledger ?? fileLedger(settings.dataDir)

/** Sends the digests now (the ledger's lock held by the caller). */
const send = async (
  settings: GatewaySettings,
  store: QuarantineStoreShape,
  now: number,
  options: DigestOptions,
  ledger: DigestLedger,
  record: DigestRecord
): Promise<ReadonlyArray<DigestResult>> => {
  const d = settings.config.quarantine.digest
  if (d.from === undefined || d.baseUrl === undefined)
    throw new Error("quarantine.digest: set from and baseUrl to send digests")
  const runAt = new Date(now).toISOString()
  const firstSince = new Date(now - 24 * 3600_000).toISOString()
  // Only what some recipient has not had yet: stored since the earliest of their marks.
  const storedSince = [firstSince, ...Object.values(record.sentUpTo).filter((v) => typeof v === "string")].sort()[0]
  const entries = (await store.list({ limit: Number.MAX_SAFE_INTEGER, filter: { storedSince } })).entries
  const byRecipient = new Map<string, Array<QuarantineMeta>>()
  for (const m of entries) {
    if (m.storedAt >= runAt) continue
    for (const r of new Set(m.recipients.map((x) => x.toLowerCase()))) {
      if (!isAddress(r) || m.storedAt < (record.sentUpTo[r] ?? firstSince)) continue
      byRecipient.set(r, [...(byRecipient.get(r) ?? []), m])
    }
  }
  const linkKey = await (options.key ?? (() => digestKey(settings.dataDir)))()
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
    } catch (e) {
      results.push({ recipient, messages: list.length, sent: false, error: (e as Error).message })
      continue
    }
    // A ledger that cannot record ends the run: every later delivery would be sent again too.
    await ledger.markSent(recipient, runAt)
    results.push({ recipient, messages: list.length, sent: true })
  }
  await ledger.markRun(runAt)
  return results
}

/** A run now, whenever the last one was; `DigestBusyError` while another run holds the lock. */
export const runDigest = async (
  settings: GatewaySettings,
  store: QuarantineStoreShape,
  now: number,
  options: DigestOptions = {}
): Promise<ReadonlyArray<DigestResult>> => {
  const ledger = ledgerOf(settings, options)
  const outcome = await ledger.exclusive(async () => send(settings, store, now, options, ledger, await ledger.read()))
  if (!outcome.ran) throw new DigestBusyError(outcome.holder, ledger.where)
  return outcome.value
}

/** What the day's run did: sent (with each recipient's result), found the day's run done, or found another running. */
export type DailyDigest =
  | { readonly kind: "sent"; readonly results: ReadonlyArray<DigestResult> }
  | { readonly kind: "done" }
  | { readonly kind: "busy"; readonly holder: string }

/** The day's run (UTC day of `now`), unless a run of that day is recorded: checked under the lock. */
export const runDailyDigest = async (
  settings: GatewaySettings,
  store: QuarantineStoreShape,
  now: number,
  options: DigestOptions = {}
): Promise<DailyDigest> => {
  const ledger = ledgerOf(settings, options)
  const day = new Date(now).toISOString().slice(0, 10)
  const outcome = await ledger.exclusive(async (): Promise<DailyDigest> => {
    const record = await ledger.read()
    if (record.lastRun?.slice(0, 10) === day) return { kind: "done" }
    return { kind: "sent", results: await send(settings, store, now, options, ledger, record) }
  })
  return outcome.ran ? outcome.value : { kind: "busy", holder: outcome.holder }
}
