/**
 * Decay of reputation counts: time is cut into buckets a quarter of the half-life wide, a bucket
 * `a` buckets old counts `2^(-a/4)` (half after one half-life), and only the last five
 * half-lives count. So a reformed sender recovers and an old history fades, while the stores
 * only ever add to the current bucket (increments, no read-modify-write).
 *
 * @category models
 * @since 0.1.0
 */
import { type Bucket, oldest, type Window } from "./ReputationStore.ts"

export const BUCKETS_PER_HALF_LIFE = 4
export const HALF_LIVES_KEPT = 5

export interface Counts {
  readonly ham: number
  readonly spam: number
}

/** The window in force at `nowMillis` for a half-life in hours. */
export const windowAt = (nowMillis: number, halfLifeHours: number): Window => {
  const bucketSeconds = Math.max(1, Math.round((halfLifeHours * 3600) / BUCKETS_PER_HALF_LIFE))
  return {
    bucket: Math.floor(nowMillis / 1000 / bucketSeconds),
    keep: BUCKETS_PER_HALF_LIFE * HALF_LIVES_KEPT,
    bucketSeconds
  }
}

/** The weight of a bucket `age` buckets old. */
export const weightOf = (age: number): number => 2 ** (-age / BUCKETS_PER_HALF_LIFE)

/** A key's decayed ham and spam counts: buckets outside the window (too old, or future) count nothing. */
export const decayed = (buckets: ReadonlyArray<Bucket>, window: Window): Counts => {
  const first = oldest(window)
  let ham = 0
  let spam = 0
  for (const [b, h, s] of buckets) {
    if (b < first || b > window.bucket) continue
    const w = weightOf(window.bucket - b)
    ham += h * w
    spam += s * w
  }
  return { ham, spam }
}
