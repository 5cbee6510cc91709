/**
 * The embedded reputation store: this process's memory (or, for the workers of a
 * multi-process gateway, the primary's), at most `maxEntries` keys, the least recently used
 * dropped first (a Map's insertion order, refreshed on every touch). A key's buckets older than
 * the window are dropped when it is written, so a key holds at most `window.keep` buckets.
 *
 * A key's buckets are one flat array of small integers (`bucket, ham, spam, bucket, ...`), not a
 * Map of pairs: 0.32-0.87 KB of heap per key instead of 0.40-2.36 KB (1 to 20 buckets,
 * `bench/reputation-memory.mjs`).
 *
 * A listing walks the Map in place (least recently used first), its cursor the position reached:
 * a page skips to it and reads on, copying nothing but the page, and touches nothing (listing is
 * not a use). A key used between two pages moves to the end and may show again or be missed.
 *
 * @category services
 * @since 0.1.0
 */
import {
  type Bucket,
  type Label,
  oldest,
  type ReputationStoreShape,
  type WalkPage,
  type Window
} from "./ReputationStore.ts"

/** Entries a listing page may step over per key it returns (other kinds, other bucket widths). */
const WALK_STEPS_PER_KEY = 4

/** `bucket, ham, spam` triples, oldest first. */
type Counts = Array<number>

export interface MemoryReputationStore extends ReputationStoreShape {
  /** Keys held now. */
  readonly size: () => number
  /** A new cap (a reload's `maxEntries`): the least recently used keys over it are dropped. */
  readonly resize: (maxEntries: number) => void
}

export const make = (limit: number): MemoryReputationStore => {
  let maxEntries = limit
  const entries = new Map<string, Counts>()
  const shed = () => {
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
  }
  const id = (key: string, window: Window) => `${window.bucketSeconds}|${key}`
  const touch = (name: string): Counts | undefined => {
    const counts = entries.get(name)
    if (counts !== undefined) {
      entries.delete(name)
      entries.set(name, counts)
    }
    return counts
  }
  const bucketsOf = (counts: Counts | undefined, first: number): ReadonlyArray<Bucket> => {
    if (counts === undefined) return []
    const out: Array<Bucket> = []
    for (let i = 0; i < counts.length; i += 3)
      if (counts[i]! >= first) out.push([counts[i]!, counts[i + 1]!, counts[i + 2]!])
    return out
  }
  /** Drops the triples older than `first`, in place. */
  const prune = (counts: Counts, first: number) => {
    let kept = 0
    for (let i = 0; i < counts.length; i += 3) {
      if (counts[i]! < first) continue
      if (kept !== i) {
        counts[kept] = counts[i]!
        counts[kept + 1] = counts[i + 1]!
        counts[kept + 2] = counts[i + 2]!
      }
      kept += 3
    }
    counts.length = kept
  }
  return {
    get describe() {
      return `memory (at most ${maxEntries} keys)`
    },
    size: () => entries.size,
    resize: (n) => {
      maxEntries = n
      shed()
    },
    lookup: async (keys, window) => {
      const first = oldest(window)
      return keys.map((k) => bucketsOf(touch(id(k, window)), first))
    },
    record: async (keys, label: Label, window) => {
      const first = oldest(window)
      for (const k of keys) {
        const name = id(k, window)
        let counts = touch(name)
        if (counts === undefined) {
          counts = []
          entries.set(name, counts)
          shed()
        }
        prune(counts, first)
        let at = counts.length - 3
        if (at < 0 || counts[at] !== window.bucket) {
          counts.push(window.bucket, 0, 0)
          at = counts.length - 3
        }
        counts[at + (label === "ham" ? 1 : 2)]!++
      }
    },
    forget: async (keys, window) => {
      let had = 0
      for (const k of keys) if (entries.delete(id(k, window))) had++
      return had
    },
    list: async (query, window): Promise<WalkPage> => {
      const start = query.cursor === undefined ? 0 : Number(query.cursor)
      const width = `${window.bucketSeconds}|`
      const wanted = width + query.prefix
      const first = oldest(window)
      // Keys of other kinds and widths are stepped over too: at most this many per page.
      const budget = query.sample * WALK_STEPS_PER_KEY
      const keys: Array<{ key: string; buckets: ReadonlyArray<Bucket> }> = []
      let at = 0
      let stepped = 0
      for (const [name, counts] of entries) {
        if (at++ < start) continue
        stepped++
        if (name.startsWith(wanted)) keys.push({ key: name.slice(width.length), buckets: bucketsOf(counts, first) })
        if (keys.length >= query.sample || stepped >= budget) break
      }
      const position = start + stepped
      return { keys, next: position < entries.size ? String(position) : undefined }
    },
    close: async () => entries.clear()
  }
}
