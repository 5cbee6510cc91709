/**
 * The embedded reputation store: this process's memory (or, for the workers of a
 * multi-process gateway, the primary's), at most `maxEntries` keys, the least recently used
 * dropped first (a Map's insertion order, refreshed on every touch). A key's buckets older than
 * the window are dropped when it is written, so a key holds at most `window.keep` buckets.
 *
 * @category services
 * @since 0.1.0
 */
import { type Bucket, type Label, oldest, type ReputationStoreShape, type Window } from "./ReputationStore.ts"

type Counts = Map<number, [ham: number, spam: number]>

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
    for (const [b, [h, s]] of counts) if (b >= first) out.push([b, h, s])
    return out
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
          counts = new Map()
          entries.set(name, counts)
          shed()
        }
        for (const b of counts.keys()) if (b < first) counts.delete(b)
        const c = counts.get(window.bucket) ?? [0, 0]
        if (label === "ham") c[0]++
        else c[1]++
        counts.set(window.bucket, c)
      }
    },
    close: async () => entries.clear()
  }
}
