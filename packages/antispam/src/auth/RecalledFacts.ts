/**
 * The facts of a check that remembered checks answered whole (`Authenticate`'s `recalled`),
 * given again to the messages that bring the same sender: a bulk sender's next message from the
 * same IP, HELO name, MAIL FROM and From field, while the memo still holds the same SPF and
 * DMARC-record checks and their answers are unchanged. Such facts are a function of those inputs
 * and of the remembered checks alone, so the facts object of the first such message is given
 * again, found by the sender's MAIL FROM and IP and compared field by field, without building the
 * checks' keys, recalling them one by one or making a resolver (the recalled path's own cost
 * per message), and what is built from it once (`AuthStage`'s symbols and
 * `Authentication-Results` value) is shared with it.
 *
 * **Gotchas**
 * - Facts whose DMARC result read the message's own sample bucket (a `pct` strictly between 0
 *   and 100) depend on the message's bytes: they are never kept.
 * - The answers are looked at for every message (`CheckMemo.holds`): facts are never given once
 *   a question their checks asked would be told something else, or would have to be asked.
 * - The store hangs off the memo (a `WeakMap`): at most `MAX_SENDERS` pairs of MAIL FROM and IP
 *   (one MAIL FROM is often sent from many IPs: a load generator's, a mailing service's), the
 *   last `MAX_PER_SENDER` senders of each (several HELO names or From fields).
 * - Shared facts are read by every message that gets them: never change them.
 *
 * @category services
 * @since 0.1.0
 */
import { BoundedMap } from "@mailmoat/core"
import type { AuthFacts } from "./AuthFacts.ts"
import type { CheckMemo, Remembered } from "./CheckMemo.ts"

/** What, besides its remembered checks, a message's facts are built from. */
export interface Sender {
  readonly ip: string
  /** The HELO name as given (not trimmed). */
  readonly helo: string
  readonly mailFrom: string
  readonly truncated: boolean
  readonly mta: string
  /** The From addresses (`HeaderFacts`), for a message with no DKIM or ARC field. */
  readonly headerFrom: ReadonlyArray<string>
}

interface Entry {
  readonly sender: Sender
  /** The remembered checks the facts were built from, in the order they are recalled. */
  readonly checks: ReadonlyArray<Remembered>
  readonly facts: AuthFacts
}

const MAX_SENDERS = 512
const MAX_PER_SENDER = 4

const stores = new WeakMap<CheckMemo, Map<string, Array<Entry>>>()

const sameList = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const keyOf = (sender: Sender): string => `${sender.mailFrom}\u0000${sender.ip}`

const same = (a: Sender, b: Sender): boolean =>
  a.ip === b.ip &&
  a.helo === b.helo &&
  a.mailFrom === b.mailFrom &&
  a.truncated === b.truncated &&
  a.mta === b.mta &&
  sameList(a.headerFrom, b.headerFrom)

/**
 * The facts kept for `sender` when `memo` still holds each of their checks with its answers
 * unchanged (`seen` says what a question would be told now), counted as the memo's hits; else
 * `undefined`, with nothing counted.
 */
export const find = (
  memo: CheckMemo,
  sender: Sender,
  seen: (name: string, type: string) => string | undefined
): AuthFacts | undefined => {
  const entries = stores.get(memo)?.get(keyOf(sender))
  if (entries === undefined) return undefined
  for (const entry of entries) {
    if (!same(entry.sender, sender)) continue
    for (const check of entry.checks) if (!memo.holds(check, seen)) return undefined
    memo.counted(entry.checks.length)
    return entry.facts
  }
  return undefined
}

/** Keeps `facts` for `sender` (replacing what was kept for the same sender). */
export const keep = (memo: CheckMemo, sender: Sender, checks: ReadonlyArray<Remembered>, facts: AuthFacts): void => {
  let store = stores.get(memo)
  if (store === undefined) {
    store = new Map()
    stores.set(memo, store)
  }
  const key = keyOf(sender)
  const earlier = store.get(key) ?? []
  const entries = [{ sender, checks, facts }]
  for (const e of earlier) if (entries.length < MAX_PER_SENDER && !same(e.sender, sender)) entries.push(e)
  // Newest last in the map's order, so the oldest senders are the ones trimmed.
  store.delete(key)
  store.set(key, entries)
  BoundedMap.trimOldest(store, MAX_SENDERS)
}
