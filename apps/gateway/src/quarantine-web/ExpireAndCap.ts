/**
 * What a session store drops before it adds one more session: every entry that is over, by the
 * store's own rule (a memory entry past its time; a file past its time, unreadable or corrupt),
 * and then, while more than `room` live entries are left, the first ones in the store's order of
 * going (the oldest in memory; the nearest expiry on disk). A flood of logins thus never holds more
 * than `room + 1` sessions.
 *
 * @category models
 * @since 0.1.0
 */

export interface ExpireAndCap<E> {
  /** The store's expiry rule. */
  readonly expired: (entry: E) => boolean
  /** Live entries kept at most (the one being added comes on top). */
  readonly room: number
  /** Order in which live entries go when there are too many; the entries' own order when absent. */
  readonly firstOut?: ((a: E, b: E) => number) | undefined
}

/** The entries to remove, expired ones first. */
export const expireAndCap = <E>(entries: Iterable<E>, rule: ExpireAndCap<E>): Array<E> => {
  const gone: Array<E> = []
  const live: Array<E> = []
  for (const entry of entries) (rule.expired(entry) ? gone : live).push(entry)
  if (live.length <= rule.room) return gone
  if (rule.firstOut !== undefined) live.sort(rule.firstOut)
  for (const entry of live.slice(0, live.length - rule.room)) gone.push(entry)
  return gone
}
