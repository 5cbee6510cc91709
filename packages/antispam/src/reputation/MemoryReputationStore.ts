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
 * @category services
 * @since 0.1.0
 */
import { type Bucket, type Label, oldest, type ReputationStoreShape, type Window } from "./ReputationStore.ts"

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
    close: async () => entries.clear()
  }
}
