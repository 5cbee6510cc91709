/**
 * A function's answers for its recent keys, at most `maxEntries` of them: for pure
 * functions that the per-message path calls again and again with the same text (an IP address,
 * a host name, a parameterised header value), where each call builds objects only to give the
 * same answer.
 *
 * `keep(key)` says whether a key is worth a place (e.g. not a key that could be long, so the memo
 * stays bounded in bytes too); a key not kept is computed every time. The kept answer is handed
 * to every later caller: it must never be changed (freeze it).
 *
 * **Gotchas**
 * Keep `maxEntries` small (tens to a few hundred). Whatever the memo holds is live at every
 * young-generation collection and is copied by it (then moved to the old generation): on mail
 * whose keys are mostly new (new senders, new hosts) a memo of thousands of entries cost more in
 * collections than the allocations it saved (docs/performance.md, "Allocations, 2026-12-04
 * afternoon").
 * A string cut from a longer one (`slice`, `substring`, a regex match) may hold the whole longer
 * string in V8 (a sliced string), so a kept key cut from a message's text would keep that text
 * alive as long as the key is kept. `detach` (`detachText` for strings) gives the key as it is
 * kept, and the answer is computed from it, so neither holds what the caller's key was cut from.
 *
 * @category constructors
 * @since 0.1.0
 */

export interface Options<K> {
  readonly maxEntries: number
  /** Whether `key`'s answer may be kept (default: always). */
  readonly keep?: (key: K) => boolean
  /** The key as it is kept, computed from (default: the key itself). */
  readonly detach?: (key: K) => K
}

/**
 * A copy of `text` that holds no longer string it was cut from: the concatenation is flattened
 * into a new string by `slice`, which then cuts from that new string only.
 */
export const detachText = (text: string): string => ` ${text}`.slice(1)

/**
 * `compute` with a memo of at most `maxEntries` answers (0: none kept), in two generations of
 * half that size: when the young one is full it becomes the old one and the old one is dropped,
 * so the last `maxEntries / 2` keys asked are always kept. An answer found in the old generation
 * moves to the young one. (Dropping the oldest entry one at a time from one `Map` costs a walk
 * over the holes earlier deletions left at its start, on every new key once it is full.)
 */
export const make = <K, V>(compute: (key: K) => V, options: Options<K>): ((key: K) => V) => {
  const { maxEntries, keep, detach } = options
  const generation = maxEntries >= 2 ? Math.floor(maxEntries / 2) : maxEntries
  let young = new Map<K, V>()
  let old = new Map<K, V>()
  const remember = (key: K, value: V) => {
    if (young.size >= generation) {
      old = maxEntries >= 2 ? young : new Map()
      young = new Map()
    }
    young.set(key, value)
  }
  return (key) => {
    const known = young.get(key)
    if (known !== undefined || young.has(key)) return known as V
    const older = old.get(key)
    if (older !== undefined || old.has(key)) {
      remember(key, older as V)
      return older as V
    }
    if (maxEntries < 1 || (keep !== undefined && !keep(key))) return compute(key)
    const own = detach === undefined ? key : detach(key)
    const value = compute(own)
    remember(own, value)
    return value
  }
}
