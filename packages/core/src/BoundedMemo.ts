/**
 * A function's answers for its last `maxEntries` keys, the oldest dropped first: for pure
 * functions that the per-message path calls again and again with the same text (an IP address,
 * a host name, a From field), where each call builds objects only to give the same answer.
 *
 * `keep(key, value)` says whether an answer is worth a place (e.g. not for keys that could be
 * long, so the memo's size stays bounded in bytes too); what is not kept is computed every time.
 * The kept answer is handed to every later caller: it must never be changed (freeze it).
 *
 * @category constructors
 * @since 0.1.0
 */

export interface Options<K, V> {
  readonly maxEntries: number
  /** Whether `value` may be kept for `key` (default: always). */
  readonly keep?: (key: K, value: V) => boolean
}

/** `compute` with a memo of its last `maxEntries` answers (0: none kept). */
export const make = <K, V>(compute: (key: K) => V, options: Options<K, V>): ((key: K) => V) => {
  const { maxEntries, keep } = options
  const recent = new Map<K, V>()
  return (key) => {
    const known = recent.get(key)
    if (known !== undefined || recent.has(key)) return known as V
    const value = compute(key)
    if (maxEntries < 1 || (keep !== undefined && !keep(key, value))) return value
    if (recent.size >= maxEntries) recent.delete(recent.keys().next().value as K)
    recent.set(key, value)
    return value
  }
}
