/**
 * Facts: what stages learn about one message, shared through typed keys so that work done by
 * one stage (the Received-chain analysis, list answers, sender authentication) is done once and
 * read by the others. The engine builds one cache per message (and one per recipient of it);
 * nothing else is built per message.
 *
 * ```ts
 * const Analysis = Facts.key<ChainResult>("received.analysis")
 * const chain = Facts.of(input).getOrSet(Analysis, () => analyse(...))
 * ```
 *
 * **Gotchas**
 * - Keys are compared by identity, not by name: declare a key once, at module level, and import
 *   it where it is read. The name is for traces and errors only.
 * - Stages of one order group run concurrently: a fact one group writes is reliably seen by
 *   later groups (higher `order`), not by the group's other members.
 *
 * @category models
 * @since 0.1.0
 */

/** A typed key; `A` is the type of the value stored under it. */
export interface Key<A> {
  readonly name: string
  /** Phantom: carries `A` for the compiler; never set. */
  readonly _A?: ((a: A) => A) | undefined
}

/** Declares a key. Call once per fact, at module level. */
export const key = <A>(name: string): Key<A> => Object.freeze({ name })

export interface Facts {
  readonly get: <A>(key: Key<A>) => A | undefined
  readonly has: (key: Key<unknown>) => boolean
  readonly set: <A>(key: Key<A>, value: A) => void
  /** The value under `key`, computing and storing it on first use. */
  readonly getOrSet: <A>(key: Key<A>, compute: () => A) => A
  /** The facts about one recipient of this message (created on first use, then the same object). */
  readonly recipient: (address: string) => Facts
}

const makeStore = (withRecipients: boolean): Facts => {
  const values = new Map<Key<unknown>, unknown>()
  let recipients: Map<string, Facts> | undefined
  const self: Facts = {
    get: <A>(k: Key<A>) => values.get(k as Key<unknown>) as A | undefined,
    has: (k) => values.has(k),
    set: (k, value) => {
      values.set(k as Key<unknown>, value)
    },
    getOrSet: <A>(k: Key<A>, compute: () => A): A => {
      if (values.has(k as Key<unknown>)) return values.get(k as Key<unknown>) as A
      const value = compute()
      values.set(k as Key<unknown>, value)
      return value
    },
    recipient: (address) => {
      if (!withRecipients) throw new Error(`facts of recipient ${address} have no recipients of their own`)
      recipients ??= new Map()
      const id = address.toLowerCase()
      let f = recipients.get(id)
      if (f === undefined) {
        f = makeStore(false)
        recipients.set(id, f)
      }
      return f
    }
  }
  return self
}

/** A fresh, empty cache for one message. */
export const make = (): Facts => makeStore(true)

/** The facts the engine handed to a stage, or a fresh cache when the stage runs on its own (unit tests). */
export const of = (input: { readonly facts?: Facts | undefined }): Facts => input.facts ?? make()
