/**
 * The quarantine operations behind the admin API, the quarantine page and digest links: a
 * filtered, cursor-paged listing, one entry's details with a preview, and release (re-inject
 * with the original envelope, once), delete and not-spam (release, then learn as ham).
 *
 * A `scope` (a recipient address) limits every operation to that recipient's own entries: the
 * listing shows only them, and anything else is `NotFound`, so a digest link cannot reach other
 * mailboxes. An entry quarantined for several recipients is shown to each of them but released
 * or deleted only by an admin (one recipient's decision must not deliver or drop the others' copy).
 *
 * @category services
 * @since 0.1.0
 */
import type { GatewayLog } from "../Log.ts"
import { Quarantine, type QuarantineMeta, type QuarantineStoreShape } from "@mailmoat/core"
import { collect } from "./Learn.ts"
import { type MessagePreview, previewMessage } from "./MessagePreview.ts"
import type { ReinjectResult } from "./Reinject.ts"

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

/** A refused operation, with the HTTP status it maps to. */
export class OperationError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export interface QuarantineServiceDeps {
  readonly store: QuarantineStoreShape
  /** Delivers the entry with its original envelope (the current configuration's delivery). */
  readonly reinject: (entry: Awaited<ReturnType<QuarantineStoreShape["get"]>>) => Promise<ReinjectResult>
  /** Teaches the classifier; resolves with a note. */
  readonly learn: (bytes: Uint8Array, label: "ham" | "spam") => Promise<string>
  readonly logger: GatewayLog
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
  size: m.size
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

  const release = async (id: string, scope: string | undefined, learnAs?: "ham") => {
    // Claim first (atomic in the store, across processes and nodes): a release that lost the
    // race, or came after it, is a 409, not a 404.
    const claim = await deps.store.claim(id)
    try {
      const stored = await owned(id, scope)
      const result = await deps.reinject(stored)
      if (result.refused.length > 0) {
        const detail = result.refused.map((r) => `${r.recipient}: ${r.reply}`).join("; ")
        throw new OperationError(502, `${result.destination} refused ${detail}; the message stays in the quarantine`)
      }
      const learned = learnAs ? await deps.learn(await collect(stored.stream()), learnAs) : undefined
      await claim.complete()
      deps.logger.info("quarantine_released", { id, to: result.accepted.join(","), by: scope })
      return {
        id,
        released: true,
        destination: result.destination,
        recipients: result.accepted,
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

    release: (id: string, scope?: string) => release(id, scope),
    notSpam: (id: string, scope?: string) => release(id, scope, "ham"),

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
