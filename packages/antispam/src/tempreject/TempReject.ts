/**
 * Temporary rejection of messages that cannot be classified (verdict `unsure`).
 *
 * A record keyed by (envelope sender, sorted recipients, message fingerprint) keeps the first
 * classification; the message itself is never stored.
 * - First sight, `unsure`: write the record, answer 451 4.7.1.
 * - Retry before `periodMinutes`: 451 again, unless the classification has become definite
 *   (a list answers now, the model changed, or the fingerprint arrived from `bulkSources`
 *   distinct IPs, which makes it spam): then act on it at this retry.
 * - First retry after the period: accepted and handled by the first classification (or the
 *   current one if that is definite); the record is removed.
 * - Time: the store's clock when it has one (Redis's, shared by every node), else the gateway's.
 * - Store unreachable (Redis down): fail open. The message is handled by its current verdict,
 *   and the failure is logged and counted; nothing is deferred forever.
 *
 * @category services
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import type { Message, TempRejectStoreShape, VerdictClass } from "@mailmoat/core"
import { Clock, Effect } from "effect"

export type TempDecision =
  | { readonly _tag: "Defer"; readonly first: boolean; readonly retryInSeconds: number; readonly detail: string }
  | { readonly _tag: "Act"; readonly class: VerdictClass; readonly detail: string; readonly retry: boolean }
  | { readonly _tag: "StoreDown"; readonly detail: string }

interface StoredRecord {
  readonly firstSeen: number
  readonly firstClass: VerdictClass
  readonly attempts: number
}

export interface TempRejectOptions {
  readonly store: TempRejectStoreShape
  readonly periodMinutes: number
  /** Distinct source IPs of one fingerprint that make it bulk (spam); default 3. */
  readonly bulkSources?: number | undefined
  /** How long a record lives (default 5 days: RFC 5321 retry horizon). */
  readonly recordTtlSeconds?: number | undefined
}

/**
 * A fingerprint of the message content that survives retries: Message-ID, From, Subject, Date
 * and the body of the scan view (everything after the header block).
 */
export const fingerprint = (message: Pick<Message, "headers" | "scanView">): string => {
  const h = createHash("sha256")
  for (const name of ["message-id", "from", "subject", "date"]) h.update(`${name}:${message.headers.get(name) ?? ""}\n`)
  const view = message.scanView
  let bodyStart = view.length
  for (let i = 0; i + 3 < view.length; i++) {
    if (view[i] === 13 && view[i + 1] === 10 && view[i + 2] === 13 && view[i + 3] === 10) {
      bodyStart = i + 4
      break
    }
  }
  h.update(view.subarray(bodyStart))
  return h.digest("hex").slice(0, 32)
}

export const recordKey = (sender: string, recipients: ReadonlyArray<string>, fp: string): string =>
  createHash("sha256")
    .update(
      `${sender.toLowerCase()}\n${[...recipients]
        .map((r) => r.toLowerCase())
        .sort()
        .join(",")}\n${fp}`
    )
    .digest("hex")
    .slice(0, 40)

export interface TempRejectInput {
  readonly sender: string
  readonly recipients: ReadonlyArray<string>
  readonly fingerprint: string
  readonly sourceIp: string
  readonly current: VerdictClass
}

export const make = (options: TempRejectOptions) => {
  const periodMs = options.periodMinutes * 60_000
  const bulk = options.bulkSources ?? 3
  const ttl = options.recordTtlSeconds ?? 5 * 86_400

  const decideAt = async (input: TempRejectInput, localNow: number): Promise<TempDecision> => {
    // Read only where a time is written or judged (unsure mail), so ham and spam cost no call.
    const clockOfStore = options.store.now
    const now = clockOfStore === undefined ? async () => localNow : clockOfStore
    const key = recordKey(input.sender, input.recipients, input.fingerprint)
    try {
      const sources = await options.store.addToSet(`fp:${input.fingerprint}`, input.sourceIp, ttl)
      const current: VerdictClass = input.current === "unsure" && sources >= bulk ? "spam" : input.current
      const bulkNote = current !== input.current ? `; fingerprint seen from ${sources} sources (bulk)` : ""
      const raw = await options.store.get(key)
      const rec = raw === undefined ? undefined : (JSON.parse(raw) as StoredRecord)
      if (rec === undefined) {
        if (current !== "unsure")
          return { _tag: "Act", class: current, detail: `classified ${current}${bulkNote}`, retry: false }
        await options.store.set(
          key,
          JSON.stringify({ firstSeen: await now(), firstClass: current, attempts: 1 } satisfies StoredRecord),
          ttl
        )
        return {
          _tag: "Defer",
          first: true,
          retryInSeconds: Math.ceil(periodMs / 1000),
          detail: "unsure: deferred, record written"
        }
      }
      if (current !== "unsure") {
        await options.store.delete(key)
        return {
          _tag: "Act",
          class: current,
          detail: `retry ${rec.attempts + 1}: classification became ${current}${bulkNote}`,
          retry: true
        }
      }
      const elapsed = (await now()) - rec.firstSeen
      if (elapsed < periodMs) {
        await options.store.set(key, JSON.stringify({ ...rec, attempts: rec.attempts + 1 }), ttl)
        return {
          _tag: "Defer",
          first: false,
          retryInSeconds: Math.ceil((periodMs - elapsed) / 1000),
          detail: `retry ${rec.attempts + 1} within the period`
        }
      }
      await options.store.delete(key)
      return {
        _tag: "Act",
        class: rec.firstClass,
        detail: `first retry after the period: handled by the first classification (${rec.firstClass})`,
        retry: true
      }
    } catch (e) {
      return { _tag: "StoreDown", detail: `${options.store.describe}: ${(e as Error).message ?? String(e)}` }
    }
  }
  /** Never fails: a store failure is `StoreDown` (fail open). Time comes from `Clock`. */
  const decide = (input: TempRejectInput): Effect.Effect<TempDecision> =>
    Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.promise(() => decideAt(input, t)))
  return { decide }
}
