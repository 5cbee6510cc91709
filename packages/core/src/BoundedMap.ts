/**
 * Bounding a `Map` that is kept in insertion order (a key written again is deleted first, so it
 * counts as new): when it holds more than `maxEntries`, the oldest go, a sixteenth of the bound at
 * once. A V8 `Map` keeps a deleted entry as a hole until its table is rebuilt, and `keys()` starts
 * at the table's start, walking every hole the earlier evictions left: one entry dropped per
 * insert costs ~15-30 µs an insert at 10,000 entries, a sixteenth at a time ~1-3 µs
 * (bench/dns-cache-evict.mjs). The entry written last is never dropped.
 *
 * @since 0.1.0
 */

/** Drops the oldest entries of `map` when it holds more than `maxEntries`. */
export const trimOldest = <K, V>(map: Map<K, V>, maxEntries: number): void => {
  if (map.size <= maxEntries) return
  const batch = Math.max(1, Math.floor(maxEntries / 16))
  let drop = Math.min(map.size - 1, map.size - maxEntries + batch)
  for (const oldest of map.keys()) {
    if (drop-- <= 0) break
    map.delete(oldest)
  }
}
