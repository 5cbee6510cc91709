/**
 * The quarantine operations behind the admin API, the quarantine page and digest links: a
 * filtered, cursor-paged listing, one entry's details with a preview, and release (re-inject
 * with the original envelope, once), delete and not-spam (release, then learn as ham; never a
 * message carrying a virus, which only an admin's `allowVirus` releases: `virusNotLearned`).
 *
 * A `scope` (a recipient address) limits every operation to that recipient's own entries: the
 * listing shows only them, and anything else is `NotFound`, so a digest link cannot reach other
 * mailboxes. An entry quarantined for several recipients is shown to each of them but released
 * or deleted only by an admin (one recipient's decision must not deliver or drop the others' copy).
 *
 * Every release is judged first (`ReleaseScan.ts`): an entry held for a virus is released only by
 * an admin who says `allowVirus`, and with `antispam.virus` the stored message is scanned again.
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayLog } from "../Log.ts"
import { Quarantine, type QuarantineMeta, type QuarantineStoreShape } from "@mailmoat/core"
import { judgeRelease, logReleased, type ReleaseScanner, virusOf, withHeaders } from "../ReleaseScan.ts"
import { collect, virusNotLearned } from "./Learn.ts"
import { type MessagePreview, previewMessage } from "./MessagePreview.ts"
import { OperationError } from "./OperationError.ts"
import type { ReinjectResult } from "./Reinject.ts"

export { OperationError }

export interface QuarantineItem {
  readonly id: string
  /** ISO 8601 time the gateway received the message. */
  readonly receivedAt: string
  /** Envelope sender (MAIL FROM). */
  readonly sender: string
  readonly recipients: ReadonlyArray<string>
  readonly subject: string
  readonly from: string
  readonly score: number | null
  readonly symbols: ReadonlyArray<string>
  readonly size: number
  /** The virus it was quarantined for, or a release's rescan found (its signature); null when none is known. */
  readonly virus: string | null
}

export interface ListFilter {
  readonly recipient?: string | undefined
  /** Case-insensitive substring of sender, From, subject, recipients or id. */
  readonly q?: string | undefined
  /** ISO dates (or date-times): received at or after `since`, before `until`. */
  readonly since?: string | undefined
  readonly until?: string | undefined
  readonly limit?: number | undefined
  readonly cursor?: string | undefined
}

export interface QuarantineDetail extends QuarantineItem {
  readonly reason: string
  readonly storedAt: string
  readonly client: string
  readonly verdict?: QuarantineMeta["verdict"]
  readonly preview: MessagePreview
}

export interface QuarantineServiceDeps {
  readonly store: QuarantineStoreShape
  /** Delivers the entry with its original envelope (the current configuration's delivery). */
  readonly reinject: (entry: Awaited<ReturnType<QuarantineStoreShape["get"]>>) => Promise<ReinjectResult>
  /** Teaches the classifier; resolves with a note. */
  readonly learn: (bytes: Uint8Array, label: "ham" | "spam") => Promise<string>
  /** The rescan of every release (`antispam.virus` in force now); none when absent or undefined. */
  readonly virus?: (() => ReleaseScanner | undefined) | undefined
  /** Counts one release rescan by result. */
  readonly onReleaseScan?: ((result: string) => void) | undefined
  readonly logger: GatewayLog
}

/** Who asks for a release and how: an admin (`by` where from) may override a virus refusal. */
export interface ReleaseOptions {
  /** Where an admin's request came from (`admin API (127.0.0.1)`, `quarantine page (...)`). */
  readonly by?: string | undefined
  readonly allowVirus?: boolean | undefined
}

export const toItem = (m: QuarantineMeta): QuarantineItem => ({
  id: m.id,
  receivedAt: new Date(m.envelope.receivedAt || Date.parse(m.storedAt)).toISOString(),
  sender: m.envelope.mailFrom,
  recipients: m.recipients,
  subject: m.subject ?? "",
  from: m.from ?? "",
  score: m.verdict?.score ?? null,
  symbols: (m.verdict?.symbols ?? []).map((s) => s.name),
  size: m.size,
  virus: virusOf(m) ?? null
})

const lower = (s: string) => s.toLowerCase()
const cursorOf = (i: QuarantineItem) => Buffer.from(`${i.receivedAt}|${i.id}`).toString("base64url")

const validDate = (s: string | undefined, name: string) => {
  if (s !== undefined && s !== "" && Number.isNaN(Date.parse(s)))
    throw new OperationError(400, `${name}: expected a date (YYYY-MM-DD), got ${JSON.stringify(s)}`)
}

export const makeQuarantineService = (deps: QuarantineServiceDeps) => {
  const entry = async (id: string, scope: string | undefined) => {
    const stored = await deps.store.get(id)
    if (scope !== undefined && !stored.meta.recipients.some((r) => lower(r) === lower(scope)))
      throw new Quarantine.QuarantineError("NotFound", `no quarantined message with id ${id}`, id)
    return stored
  }

  /** Scoped decisions only on entries that are the recipient's alone. */
  const owned = async (id: string, scope: string | undefined) => {
    const stored = await entry(id, scope)
    if (scope !== undefined && stored.meta.recipients.some((r) => lower(r) !== lower(scope)))
      throw new OperationError(403, `${id} was quarantined for other recipients too; ask the mail administrator`)
    return stored
  }

  const release = async (id: string, scope: string | undefined, options: ReleaseOptions, learnAs?: "ham") => {
    // A recipient's link is checked before it claims: a refusal (another mailbox's entry, or one
    // shared with others) must not hold the entry while an admin releases it, and a released id
    // of another mailbox must look unknown (404) to it, not released (409).
    if (scope !== undefined) await owned(id, scope)
    // Then the claim (atomic in the store, across processes and nodes): a release that lost the
    // race, or came after it, is a 409, not a 404.
    const claim = await deps.store.claim(id)
    try {
      const stored = await owned(id, scope)
      const by = scope ?? options.by ?? "admin"
      // Each entry is judged on its own: a refusal keeps it and says why (logged there).
      const verdict = await judgeRelease(
        { scanner: deps.virus?.(), store: deps.store, logger: deps.logger, onScan: deps.onReleaseScan },
        stored,
        { by, recipient: scope !== undefined, allowVirus: options.allowVirus }
      )
      const result = await deps.reinject(withHeaders(stored, verdict.addHeaders))
      if (result.refused.length > 0) {
        const detail = result.refused.map((r) => `${r.recipient}: ${r.reply}`).join("; ")
        throw new OperationError(502, `${result.destination} refused ${detail}; the message stays in the quarantine`)
      }
      // Released, but a virus (let out by an admin's override) is never taught as ham.
      const learned =
        learnAs === undefined
          ? undefined
          : verdict.virus !== undefined
            ? virusNotLearned(verdict.virus)
            : await deps.learn(await collect(stored.stream()), learnAs)
      if (learnAs !== undefined && verdict.virus !== undefined)
        deps.logger.warn("quarantine_not_learned", { id, signature: verdict.virus, by, text: learned })
      await claim.complete()
      logReleased(deps.logger, { id, to: result.accepted, by }, verdict)
      return {
        id,
        released: true,
        destination: result.destination,
        recipients: result.accepted,
        scan: verdict.scan,
        ...(learned ? { learned } : {})
      }
    } catch (e) {
      await claim.abandon()
      throw e
    }
  }

  return {
    list: async (
      f: ListFilter,
      scope?: string
    ): Promise<{ items: ReadonlyArray<QuarantineItem>; next: string | null; total: number }> => {
      validDate(f.since, "since")
      validDate(f.until, "until")
      const limit = Math.min(Math.max(f.limit ?? 50, 1), 500)
      const recipient = scope === undefined ? f.recipient : scope
      let after: { at: string; id: string } | undefined
      if (f.cursor) {
        const [at, id] = Buffer.from(f.cursor, "base64url").toString("utf8").split("|")
        if (at === undefined || id === undefined)
          throw new OperationError(400, "cursor: not a cursor from a previous page")
        after = { at, id }
      }
      // Newest received first, from the store's index where it has one; one entry more than the
      // page tells whether there is a next page.
      const page = await deps.store.list({
        order: "received",
        filter: { recipient, q: f.q, since: f.since, until: f.until },
        after,
        limit: limit + 1
      })
      const items = page.entries.slice(0, limit).map(toItem)
      const next = page.entries.length > limit ? cursorOf(items[items.length - 1]!) : null
      return { items, next, total: page.total }
    },

    detail: async (id: string, scope?: string): Promise<QuarantineDetail> => {
      const stored = await entry(id, scope)
      const m = stored.meta
      return {
        ...toItem(m),
        reason: m.reason,
        storedAt: m.storedAt,
        client: `${m.envelope.clientAddress}${m.envelope.helo ? ` (HELO ${m.envelope.helo})` : ""}`,
        ...(m.verdict ? { verdict: m.verdict } : {}),
        preview: await previewMessage(stored.stream())
      }
    },

    release: (id: string, scope?: string, options: ReleaseOptions = {}) => release(id, scope, options),
    notSpam: (id: string, scope?: string, options: ReleaseOptions = {}) => release(id, scope, options, "ham"),

    remove: async (id: string, scope?: string) => {
      await owned(id, scope)
      await deps.store.remove(id)
      deps.logger.info("quarantine_deleted", { id, by: scope })
      return { id, deleted: true }
    },

    /** Entries stored at or after `since` (ISO), for the digest. */
    storedSince: async (since: string): Promise<ReadonlyArray<QuarantineMeta>> =>
      (await deps.store.list({ limit: Number.MAX_SAFE_INTEGER, filter: { storedSince: since } })).entries,

    size: async (): Promise<number> => (await deps.store.list({ limit: 0 })).total
  }
}

export type QuarantineService = ReturnType<typeof makeQuarantineService>

/** The HTTP status of an operation's failure. */
export const statusOf = (e: unknown): number => {
  if (e instanceof OperationError) return e.status
  const reason = (e as { reason?: string } | undefined)?.reason
  if (reason === "NotFound" || reason === "BadId") return 404
  if (reason === "Released") return 409
  return 503
}
