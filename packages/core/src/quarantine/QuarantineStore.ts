/**
 * The quarantine: where the gateway keeps messages it did not deliver (`onSpam: quarantine`),
 * with the envelope and the verdict that sent them there, so an admin can list, inspect,
 * release (re-inject with the original envelope) or confirm them (`mailmoat quarantine ...`).
 *
 * Two implementations share this contract: an embedded file store (`@mailmoat/platform-node`,
 * `FileQuarantineStore`) and a Redis store (`@mailmoat/redis`, `RedisQuarantineStore`) that
 * keeps the message bytes in Redis too, so any gateway node can release any message.
 *
 * Contract every implementation keeps (checked by the shared test suite):
 * - `put` resolves only when the message and its metadata are durable; an entry is never
 *   visible half-written (no metadata without its message, no message without metadata).
 * - `list` is newest first; `get`, `remove`, `markConfirmed` and `markVirusFound` of an unknown
 *   id fail with `QuarantineError` reason `NotFound`; an id that could name a path elsewhere is
 *   `BadId`.
 * - `remove` is idempotent only in the sense that a second call reports `NotFound`.
 * - `claim` is atomic across processes and nodes: of concurrent claims of one id exactly one
 *   succeeds; the others fail with reason `Released` (released, or being released by a claim
 *   younger than the lease). A claim whose holder died expires after the lease.
 *
 * @category services
 * @since 0.1.0
 */
import { Context } from "effect"
import type { Envelope } from "../Envelope.ts"
import type { Verdict, VerdictClass } from "../Verdict.ts"

/** The envelope as stored: JSON-safe (session flags as an array). */
export interface StoredEnvelope {
  readonly clientAddress: string
  readonly clientPort?: number | undefined
  readonly clientHostname?: string | undefined
  readonly helo: string
  readonly mailFrom: string
  readonly rcptTo: ReadonlyArray<string>
  readonly tls: boolean
  readonly authenticatedUser?: string | undefined
  readonly sessionFlags: ReadonlyArray<string>
  readonly receivedAt: number
  readonly localAddress?: string | undefined
}

/** What the admin needs to judge an entry without the full trace. */
export interface VerdictSummary {
  readonly class: VerdictClass
  readonly score: number
  readonly probability?: number | undefined
  readonly symbols: ReadonlyArray<{
    readonly name: string
    readonly score: number
    readonly source: string
    readonly detail?: string | undefined
  }>
}

export interface QuarantineMeta {
  readonly id: string
  /** ISO 8601 time the entry was stored. */
  readonly storedAt: string
  readonly envelope: StoredEnvelope
  /** The recipients this copy was quarantined for (a subset of `envelope.rcptTo`). */
  readonly recipients: ReadonlyArray<string>
  readonly reason: string
  readonly verdict?: VerdictSummary | undefined
  /** Message size in bytes. */
  readonly size: number
  /** Subject and From header values, for listings (raw, not RFC 2047 decoded). */
  readonly subject?: string | undefined
  readonly from?: string | undefined
  /** ISO 8601 time an admin confirmed the message as spam. */
  readonly confirmedAt?: string | undefined
  /**
   * A virus a later scan of the stored message found (a release's rescan, with a signature
   * clamd did not have when the message was quarantined): the signature and when.
   */
  readonly virusFound?: { readonly signature: string; readonly at: string } | undefined
}

export interface PutEntry {
  readonly envelope: Envelope | StoredEnvelope
  readonly recipients?: ReadonlyArray<string> | undefined
  readonly reason: string
  readonly verdict?: Verdict | VerdictSummary | undefined
  /** The whole message; a function is called once and must stream the message. */
  readonly message: Uint8Array | (() => AsyncIterable<Uint8Array>)
  /** Size in bytes when known (checked against what was written). */
  readonly size?: number | undefined
}

export interface StoredMessage {
  readonly meta: QuarantineMeta
  /** Streams the message bytes (may be called more than once). */
  readonly stream: () => AsyncIterable<Uint8Array>
}

export interface ListOptions {
  /** Default 50. */
  readonly limit?: number | undefined
  /** Default 0; counted after `after`. */
  readonly offset?: number | undefined
  /**
   * Newest first by `storedAt` (`stored`, the default) or by receipt time (`received`, the admin
   * listing's order: the envelope's time, else the store time); ties newest id first.
   */
  readonly order?: "stored" | "received" | undefined
  readonly filter?: ListFilter | undefined
  /** Only entries after this one in the order (a page cursor): its sort key and id. */
  readonly after?: { readonly at: string; readonly id: string } | undefined
}

/** Every field narrows; an empty or absent field selects everything (`ListQuery.compileFilter`). */
export interface ListFilter {
  /** One of the entry's recipients, case-insensitive. */
  readonly recipient?: string | undefined
  /** Case-insensitive substring of the id, sender, From, subject or a recipient. */
  readonly q?: string | undefined
  /** Received at or after `since`, before `until` (parseable dates). */
  readonly since?: string | undefined
  readonly until?: string | undefined
  /** Stored at or after this ISO time. */
  readonly storedSince?: string | undefined
}

export interface ListPage {
  /** Entries matching the filter (all of them, whatever the page). */
  readonly total: number
  readonly entries: ReadonlyArray<QuarantineMeta>
}

/** `Released`: another release took (or is taking) the entry. */
export type QuarantineErrorReason = "NotFound" | "BadId" | "Io" | "Unavailable" | "Corrupt" | "Released"

export class QuarantineError extends Error {
  override readonly name = "QuarantineError"
  constructor(
    readonly reason: QuarantineErrorReason,
    message: string,
    readonly id?: string | undefined,
    override readonly cause?: unknown
  ) {
    super(message)
  }
  /** True when retrying later may succeed (store unreachable, I/O). */
  get isTemporary(): boolean {
    return this.reason === "Io" || this.reason === "Unavailable"
  }
}

export interface QuarantineStoreShape {
  /** Where the entries live, for messages ("files /var/lib/mailmoat/quarantine", "redis ..."). */
  readonly describe: string
  readonly put: (entry: PutEntry) => Promise<string>
  readonly list: (options?: ListOptions) => Promise<ListPage>
  readonly get: (id: string) => Promise<StoredMessage>
  readonly remove: (id: string) => Promise<void>
  /** Marks the entry as confirmed spam; returns the updated metadata. */
  readonly markConfirmed: (id: string) => Promise<QuarantineMeta>
  /** Records a virus a later scan found in the entry (`virusFound`); returns the updated metadata. */
  readonly markVirusFound: (id: string, signature: string) => Promise<QuarantineMeta>
  /**
   * Takes the entry for a release, so that one release delivers it: the holder delivers, then
   * `complete`s (the entry is removed and remembered as released) or `abandon`s (it stays).
   */
  readonly claim: (id: string) => Promise<ReleaseClaim>
  readonly close: () => Promise<void>
}

/** A release in progress; see `QuarantineStoreShape.claim`. */
export interface ReleaseClaim {
  readonly complete: () => Promise<void>
  readonly abandon: () => Promise<void>
}

/** How long a claim holds when its holder neither completes nor abandons it (it crashed). */
export const CLAIM_LEASE_MS = 10 * 60_000
/** How long a completed release is remembered, to answer "already released" rather than "not found". */
export const RELEASED_MEMORY_MS = 7 * 24 * 3600_000

/** The error a claim that lost the race ends with. */
export const alreadyReleased = (
  id: string,
  state: { readonly releasedAt?: string | undefined; readonly since?: string | undefined }
): QuarantineError =>
  new QuarantineError(
    "Released",
    state.releasedAt !== undefined
      ? `${id} was already released (at ${state.releasedAt})`
      : `${id} is already being released by another process (since ${state.since ?? "just now"})`,
    id
  )

/** The quarantine as an Effect service, for layers that choose an implementation from config. */
export class QuarantineStore extends Context.Service<QuarantineStore, QuarantineStoreShape>()(
  "@mailmoat/core/QuarantineStore"
) {}

/** Ids are generated by the stores; anything else is refused before it can touch a path or key. */
export const isValidId = (id: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._,=-]{0,200}$/.test(id) && !id.includes("..")

export const checkId = (id: string): string => {
  if (!isValidId(id)) throw new QuarantineError("BadId", `not a quarantine id: ${JSON.stringify(id)}`, id)
  return id
}

/** A sortable, unique id: UTC time to the millisecond plus 12 random hex digits. */
export const newId = (now: number): string => {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace(".", "")
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0")).join("")
  return `${stamp.slice(0, -1)}-${random}`
}

export const storeEnvelope = (e: Envelope | StoredEnvelope): StoredEnvelope => ({
  clientAddress: e.clientAddress,
  ...(e.clientPort !== undefined ? { clientPort: e.clientPort } : {}),
  ...(e.clientHostname !== undefined ? { clientHostname: e.clientHostname } : {}),
  helo: e.helo,
  mailFrom: e.mailFrom,
  rcptTo: [...e.rcptTo],
  tls: e.tls,
  ...(e.authenticatedUser !== undefined ? { authenticatedUser: e.authenticatedUser } : {}),
  sessionFlags: [...e.sessionFlags],
  receivedAt: e.receivedAt,
  ...(e.localAddress !== undefined ? { localAddress: e.localAddress } : {})
})

export const summarise = (v: Verdict | VerdictSummary): VerdictSummary => ({
  class: v.class,
  score: v.score,
  ...(v.probability !== undefined ? { probability: v.probability } : {}),
  symbols: v.symbols.map((s) => ({
    name: s.name,
    score: s.score,
    source: s.source,
    ...(s.detail !== undefined ? { detail: s.detail } : {})
  }))
})
