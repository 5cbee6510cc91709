/**
 * A bounded, paged listing of reputation keys for the admin: the keys of one kind (`ip`, `net`,
 * `domain`) with the same report as a single key's (`History.show`), an address's network beside
 * it. A page ranks the next `SAMPLE` keys of the store's walk (`ReputationStoreShape.list`) and
 * returns the `limit` first of them in the order asked; `next` goes on with the keys after them.
 *
 * - `worst`: the highest `REPUTATION_*_BAD` score first, then keys without a symbol by decayed
 *   spam, then the good ones. Exact over the whole store while it holds at most `SAMPLE` keys of
 *   the kind; beyond that, the worst of each stretch of `SAMPLE` keys (a full sort would read the
 *   whole store, which a Redis fleet's may not afford per request).
 * - `recent`: the keys with the newest time bucket first, then by messages.
 *
 * **Gotchas**
 * - Keys of a stretch past the page's `limit` are not shown; with at most `limit` keys of a kind
 *   per `SAMPLE` every key is.
 * - The store keeps changing under a listing: a key can show on two pages or on none.
 *
 * @category services
 * @since 0.1.0
 */
import * as Decay from "./Decay.ts"
import { type KeyReport, reportOf } from "./History.ts"
import * as Keys from "./Keys.ts"
import * as KeyText from "./KeyText.ts"
import type { ReputationSettings } from "./ReputationStage.ts"
import type { ReputationStoreShape } from "./ReputationStore.ts"

/** Keys ranked per page. */
export const SAMPLE = 1000
/** Most keys a page returns. */
export const MAX_LIMIT = 100
export const DEFAULT_LIMIT = 20

export type ListKind = "ip" | "net" | "domain"
export type ListOrder = "worst" | "recent"

export interface ListQuery {
  readonly kind: ListKind
  readonly order: ListOrder
  readonly limit: number
  readonly cursor?: string | undefined
}

export type ParsedQuery =
  | { readonly ok: true; readonly query: ListQuery }
  | { readonly ok: false; readonly error: string }

const MAX_CURSOR = 2n ** 64n - 1n

const KINDS: ReadonlyArray<ListKind> = ["ip", "net", "domain"]
const ORDERS: ReadonlyArray<ListOrder> = ["worst", "recent"]

const shown = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)

/** A listing's query from its parameters (absent ones take their defaults); never throws. */
export const parseQuery = (param: (name: string) => string | null | undefined): ParsedQuery => {
  const kind = param("kind") || "ip"
  if (!KINDS.includes(kind as ListKind))
    return { ok: false, error: `kind: expected ip, net or domain, got ${shown(kind)}` }
  const order = param("order") || "worst"
  if (!ORDERS.includes(order as ListOrder))
    return { ok: false, error: `order: expected worst or recent, got ${shown(order)}` }
  const limitText = param("limit") || String(DEFAULT_LIMIT)
  const limit = /^\d{1,6}$/.test(limitText) ? Number(limitText) : Number.NaN
  if (!(limit >= 1 && limit <= MAX_LIMIT))
    return { ok: false, error: `limit: expected a whole number from 1 to ${MAX_LIMIT}, got ${shown(limitText)}` }
  const cursor = param("cursor") || undefined
  // Redis's SCAN cursor is an unsigned 64-bit number: a larger one is Redis's "invalid cursor",
  // which would read as the store being unreachable (503) rather than the query being wrong.
  if (cursor !== undefined && !(/^\d{1,20}$/.test(cursor) && BigInt(cursor) <= MAX_CURSOR))
    return { ok: false, error: `cursor: expected the "next" of a previous page, got ${shown(cursor)}` }
  return { ok: true, query: { kind: kind as ListKind, order: order as ListOrder, limit, cursor } }
}

export interface ListedKey extends KeyReport {
  /** An address's /24 or /64, which scores a message from it too. */
  readonly network?: KeyReport | undefined
}

export interface ListPage {
  readonly kind: ListKind
  readonly order: ListOrder
  readonly minMessages: number
  readonly halfLifeHours: number
  readonly keys: ReadonlyArray<ListedKey>
  /** Keys ranked for this page (at most `SAMPLE`). */
  readonly ranked: number
  /** The cursor of the next page; null when the walk is over. */
  readonly next: string | null
}

/** A symbol's score: bad ones above zero, good ones below; the higher, the worse. */
const badness = (r: KeyReport): number => r.symbol?.score ?? 0

const newest = (r: KeyReport): string => r.buckets[r.buckets.length - 1]?.from ?? ""

const ORDER: Readonly<Record<ListOrder, (a: KeyReport, b: KeyReport) => number>> = {
  worst: (a, b) => badness(b) - badness(a) || b.spam - a.spam || a.ham - b.ham || (a.key < b.key ? -1 : 1),
  recent: (a, b) =>
    (newest(a) < newest(b) ? 1 : newest(a) > newest(b) ? -1 : 0) ||
    b.ham + b.spam - (a.ham + a.spam) ||
    (a.key < b.key ? -1 : 1)
}

/** One page of `query`'s keys at `nowMillis`: one store walk, and one lookup of the addresses' networks. */
export const list = async (
  store: ReputationStoreShape,
  settings: ReputationSettings,
  query: ListQuery,
  nowMillis: number
): Promise<ListPage> => {
  const window = Decay.windowAt(nowMillis, settings.halfLifeHours)
  const walked = await store.list({ prefix: `${query.kind}:`, cursor: query.cursor, sample: SAMPLE }, window)
  const reports: Array<KeyReport> = []
  for (const { key, buckets } of walked.keys) {
    // What the store holds was written by the stage: a key that does not parse is not ours.
    const parsed = KeyText.parse(key)
    if (!parsed.ok || parsed.key.key !== key) continue
    const report = reportOf(parsed.key, buckets, window, settings)
    // Only buckets older than the window left: no history any more.
    if (report.buckets.length > 0) reports.push(report)
  }
  const top = reports.sort(ORDER[query.order]).slice(0, query.limit)
  const networks = query.kind === "ip" ? top.map((r) => Keys.ipKeys(r.subject)[1]!) : []
  const held =
    networks.length === 0
      ? []
      : await store.lookup(
          networks.map((n) => n.key),
          window
        )
  return {
    kind: query.kind,
    order: query.order,
    minMessages: settings.minMessages,
    halfLifeHours: settings.halfLifeHours,
    keys: top.map((r, i) =>
      networks[i] === undefined ? r : { ...r, network: reportOf(networks[i]!, held[i] ?? [], window, settings) }
    ),
    ranked: reports.length,
    next: walked.next ?? null
  }
}
