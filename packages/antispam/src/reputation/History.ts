/**
 * What an admin sees of a source's reputation and how it is cleared: per key, the decayed ham
 * and spam counts, the smoothed spam ratio, whether `minMessages` is reached and the symbol a
 * message would get now, computed by the stage's own functions (`Decay.decayed`,
 * `Score.spamRatio`, `ReputationStage.symbolOf`) on one store lookup; and a reset that deletes a
 * key's history (a sender whose compromised account was fixed, a partner's IP to forgive).
 *
 * **Gotchas**
 * - Both read and delete the history of the bucket width in force (`halfLifeHours`): a history
 *   written under another half-life is never read again and fades by itself.
 * - Store failures reject (Redis down, the primary not answering); the caller says so.
 *
 * @category services
 * @since 0.1.0
 */
import * as Decay from "./Decay.ts"
import type * as Keys from "./Keys.ts"
import { type ReputationSettings, symbolOf } from "./ReputationStage.ts"
import { type Bucket, oldest, type ReputationStoreShape, type Window } from "./ReputationStore.ts"
import * as Score from "./Score.ts"

export interface KeyReport {
  readonly kind: Keys.Kind
  /** The store's key (`ip:…`, `net:…`, `domain:…`). */
  readonly key: string
  readonly subject: string
  /** Decayed counts, rounded to 0.01. */
  readonly ham: number
  readonly spam: number
  /** `(spam + 1) / (ham + spam + 2)`, rounded to 0.001. */
  readonly spamRatio: number
  /** Whether the decayed count reaches `minMessages`, below which the key scores nothing. */
  readonly scores: boolean
  /** What a message would get from this key now; null when nothing. */
  readonly symbol: { readonly name: string; readonly score: number; readonly detail: string } | null
  /** The time buckets held, oldest first: start time (ISO), messages judged ham and spam in it. */
  readonly buckets: ReadonlyArray<{ readonly from: string; readonly ham: number; readonly spam: number }>
}

export interface Report {
  readonly minMessages: number
  readonly halfLifeHours: number
  readonly keys: ReadonlyArray<KeyReport>
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places

/** One key's report from its buckets as the store gave them. */
export const reportOf = (
  k: Keys.ReputationKey,
  held: ReadonlyArray<Bucket>,
  window: Window,
  settings: ReputationSettings
): KeyReport => {
  const first = oldest(window)
  const buckets = held.filter(([b]) => b >= first && b <= window.bucket).sort((a, b) => a[0] - b[0])
  const counts = Decay.decayed(buckets, window)
  const symbol = symbolOf(k, counts, settings)
  return {
    kind: k.kind,
    key: k.key,
    subject: k.subject,
    ham: round(counts.ham, 2),
    spam: round(counts.spam, 2),
    spamRatio: round(Score.spamRatio(counts), 3),
    scores: Score.enough(counts, settings.minMessages),
    symbol: symbol === undefined ? null : { name: symbol.name, score: symbol.score, detail: symbol.detail ?? "" },
    buckets: buckets.map(([b, ham, spam]) => ({
      from: new Date(b * window.bucketSeconds * 1000).toISOString(),
      ham,
      spam
    }))
  }
}

/** The history of `keys` at `nowMillis`, in one store call. */
export const show = async (
  store: ReputationStoreShape,
  settings: ReputationSettings,
  keys: ReadonlyArray<Keys.ReputationKey>,
  nowMillis: number
): Promise<Report> => {
  const window = Decay.windowAt(nowMillis, settings.halfLifeHours)
  const found = await store.lookup(
    keys.map((k) => k.key),
    window
  )
  return {
    minMessages: settings.minMessages,
    halfLifeHours: settings.halfLifeHours,
    keys: keys.map((k, i) => reportOf(k, found[i] ?? [], window, settings))
  }
}

/** Deletes `key`'s history; resolves with whether it had one. */
export const reset = async (
  store: ReputationStoreShape,
  settings: ReputationSettings,
  key: Keys.ReputationKey,
  nowMillis: number
): Promise<boolean> => (await store.forget([key.key], Decay.windowAt(nowMillis, settings.halfLifeHours))) > 0
