/**
 * The facts of a check that remembered checks answered whole (`Authenticate`'s `recalled`),
 * shared by the messages that give the same inputs: a bulk sender's next message from the same
 * IP, HELO name, sender and From domain, while the same remembered SPF and DMARC-record checks
 * answer it. Such facts are a function of those inputs and of the remembered checks alone, so
 * the facts object of the first such message is given again instead of being built again (its
 * SPF, DMARC and ARC facts, ~2 KB a message), and what is built from it once (`AuthStage`'s
 * symbols and `Authentication-Results` value) can be shared with it.
 *
 * **Gotchas**
 * - Facts whose DMARC result read the message's own sample bucket (a `pct` strictly between 0
 *   and 100) depend on the message's bytes: they are never kept.
 * - An entry hangs off the remembered SPF check (a `WeakMap`): when the memo drops or replaces
 *   that check, its facts go with it. One entry per check: the last inputs seen.
 * - Shared facts are read by every message that gets them: never change them.
 *
 * @category services
 * @since 0.1.0
 */
import type { AuthFacts } from "./AuthFacts.ts"
import type { Remembered } from "./CheckMemo.ts"

/** Everything besides the remembered SPF check that the facts were built from. */
export interface Inputs {
  readonly heloSpf: Remembered | undefined
  readonly dmarc: Remembered | undefined
  readonly ip: string
  readonly helo: string
  readonly mailFrom: string
  readonly truncated: boolean
  readonly fromDomain: string | undefined
  readonly mta: string
  /** The lookups the replayed checks counted (the facts carry the count). */
  readonly lookups: number
}

interface Entry extends Inputs {
  readonly facts: AuthFacts
}

const kept = new WeakMap<Remembered, Entry>()

const same = (a: Inputs, b: Inputs): boolean =>
  a.heloSpf === b.heloSpf &&
  a.dmarc === b.dmarc &&
  a.ip === b.ip &&
  a.helo === b.helo &&
  a.mailFrom === b.mailFrom &&
  a.truncated === b.truncated &&
  a.fromDomain === b.fromDomain &&
  a.mta === b.mta &&
  a.lookups === b.lookups

/** The facts kept for `spf` and these inputs, or `undefined`. */
export const find = (spf: Remembered, inputs: Inputs): AuthFacts | undefined => {
  const entry = kept.get(spf)
  return entry !== undefined && same(entry, inputs) ? entry.facts : undefined
}

/** Keeps `facts` for `spf` and these inputs (replacing what was kept for `spf`). */
export const keep = (spf: Remembered, inputs: Inputs, facts: AuthFacts): void => {
  kept.set(spf, { ...inputs, facts })
}
