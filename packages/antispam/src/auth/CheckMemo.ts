/**
 * Remembered SPF and DMARC-record checks. Such a check is a function of its inputs (the IP, the
 * HELO name, the sender; the From domain) and of the DNS answers it reads, nothing else: when
 * the same inputs come again and every question the remembered run asked would be told the same
 * thing now, from the resolver's memory (`MailauthResolver.seenNow`), the run would take the same
 * path to the same result, so that result is given again without running mailauth. A bulk sender
 * (the same IP and domain for many messages) is then checked once per change of its DNS answers
 * or of the cache's entries, not once per message.
 *
 * **Gotchas**
 * - Nothing is remembered from a run that met the deadline or a timeout (the answer depended on
 *   time), nor from an SPF run whose records use the `%{t}` macro (the current time).
 * - A question the cache no longer answers (expired, evicted) makes the check run again: the
 *   remembered result is never older than the answers it rests on.
 * - The remembered result objects are shared between messages: read them, never change them.
 *
 * @category services
 * @since 0.1.0
 */
import { BoundedMap } from "@mailmoat/core"
import type { Asked, MailauthResolver } from "./MailauthResolver.ts"

export interface CheckMemo {
  /**
   * `check(resolve)`'s result for `key` (the check's kind and every input it reads), remembered
   * from an earlier run while its answers are unchanged; otherwise runs it through `resolver`.
   */
  readonly run: <A>(
    key: string,
    resolver: MailauthResolver,
    check: (resolve: MailauthResolver["resolve"]) => Promise<A>
  ) => Promise<A>
  /**
   * The remembered check for `key` when `run` would give it from memory now, without counting
   * anything; `undefined` when it would run. A caller that uses it calls `replay`.
   */
  readonly recall: (key: string, resolver: MailauthResolver) => Remembered | undefined
  /** What `run` does with a remembered check: its questions counted as asked, its result given. */
  readonly replay: (remembered: Remembered, resolver: MailauthResolver) => unknown
  /**
   * Whether `remembered` is still what `recall` would give for its key, `seen` telling what each
   * of its questions would be told now (`MailauthResolver.seenAt`); counts nothing.
   */
  readonly holds: (remembered: Remembered, seen: (name: string, type: string) => string | undefined) => boolean
  /**
   * Remembers what `key` holds under `alias` as well (kept while its answers hold): for a check
   * whose result turned out not to depend on every input its key names.
   */
  readonly alias: (key: string, alias: string) => void
  /** Counts `n` checks answered from memory without `replay` (their facts given whole, `RecalledFacts`). */
  readonly counted: (n: number) => void
  /** Checks answered from memory so far. */
  readonly hits: () => number
}

/** A remembered check: the questions its run asked and what they were told, and its result. */
export interface Remembered {
  /** The key it is remembered under. */
  readonly key: string
  readonly asked: ReadonlyArray<Asked>
  readonly result: unknown
}

/** SPF's `%{t}` macro expands to the current time (RFC 7208 §7.2). */
const usesTime = (asked: ReadonlyArray<Asked>) => asked.some((a) => /%\{t/i.test(a.seen))

/**
 * A memo of at most `maxEntries` checks (oldest dropped first). An entry (mailauth's result with
 * its header texts, and the answers) is 1-2 KB: a few hundred cover the bulk senders of a burst
 * without holding megabytes for one-off senders.
 */
export const make = (maxEntries = 512): CheckMemo => {
  const entries = new Map<string, Remembered>()
  let hits = 0
  const unchanged = (entry: Remembered, seen: (name: string, type: string) => string | undefined) => {
    for (const a of entry.asked) if (seen(a.name, a.type) !== a.seen) return false
    return true
  }
  const recall = (key: string, resolver: MailauthResolver): Remembered | undefined => {
    const known = entries.get(key)
    return known !== undefined && unchanged(known, resolver.seenNow) ? known : undefined
  }
  const replay = (remembered: Remembered, resolver: MailauthResolver): unknown => {
    hits++
    resolver.replay(remembered.asked)
    return remembered.result
  }
  return {
    recall,
    replay,
    holds: (remembered, seen) => entries.get(remembered.key) === remembered && unchanged(remembered, seen),
    alias: (key, alias) => {
      const known = entries.get(key)
      if (known === undefined) return
      entries.delete(alias)
      entries.set(alias, { key: alias, asked: known.asked, result: known.result })
      BoundedMap.trimOldest(entries, maxEntries)
    },
    counted: (n) => {
      hits += n
    },
    // No `async` frame: the check's own promise, remembered when it settles.
    run: <A>(key: string, resolver: MailauthResolver, check: (resolve: MailauthResolver["resolve"]) => Promise<A>) => {
      try {
        const known = recall(key, resolver)
        if (known !== undefined) return Promise.resolve(replay(known, resolver) as A)
        const recording = resolver.recording()
        return check(recording.resolve).then((result) => {
          const asked = recording.asked()
          if (recording.replayable() && !usesTime(asked)) {
            entries.delete(key)
            entries.set(key, { key, asked, result })
            BoundedMap.trimOldest(entries, maxEntries)
          } else entries.delete(key)
          return result
        })
      } catch (error) {
        return Promise.reject(error)
      }
    },
    hits: () => hits
  }
}
