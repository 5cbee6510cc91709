/**
 * Where learned token counts live (incremental learning: quarantine release = ham, confirm =
 * spam). The shipped model stays read-only; learned counts are added on top of it when scoring.
 * The memory store (here) is for one gateway; `@mailmoat/redis`'s token store shares them between
 * gateways (`state.backend: redis`), so every instance learns from every release.
 *
 * @category services
 * @since 0.1.0
 */
import { Context, Layer } from "effect"

/** Which class a learned message belongs to. */
export type Label = "ham" | "spam"

export interface LearnedCounts {
  readonly nham: number
  readonly nspam: number
  /** Learned [ham, spam] counts of the asked tokens that have any. */
  readonly counts: ReadonlyMap<string, readonly [number, number]>
}

export interface TokenStoreShape {
  /** Learned message totals and the learned counts of `tokens`. */
  readonly lookup: (tokens: ReadonlyArray<string>) => Promise<LearnedCounts>
  /** Adds (delta 1) or removes (delta -1) one message's distinct tokens under `label`. */
  readonly add: (tokens: ReadonlyArray<string>, label: Label, delta: 1 | -1) => Promise<void>
  readonly close: () => Promise<void>
  readonly describe: string
  /**
   * True when the store knows, without asking anyone, that nothing is learned: no message totals
   * and no token counts, so `lookup` would answer no counts for any tokens. A caller may then
   * score with the model alone and skip the lookup and the tokens' strings. Absent (a store that
   * must ask a server) or false: call `lookup`.
   */
  readonly learnedNothing?: () => boolean
  /**
   * Takes one of the clock hour's `max` auto-learning slots for `label` (`hour`: hours since the
   * epoch), counted for every process that shares this store; false once they are all taken. The
   * auto-learner's hourly cap is then the fleet's, not each process's. Absent: the caller counts
   * alone.
   */
  readonly takeLearnSlot?: (label: Label, hour: number, max: number) => Promise<boolean>
}

/** Auto-learning slots per class and clock hour, in memory; only the newest hour is kept. */
export const makeLearnSlots = () => {
  let hour = Number.NaN
  const taken = { ham: 0, spam: 0 }
  return (label: Label, at: number, max: number): boolean => {
    if (at !== hour) {
      // A new hour starts every count afresh; a late caller's older hour takes no slot of this one.
      if (at < hour) return false
      hour = at
      taken.ham = 0
      taken.spam = 0
    }
    if (taken[label] >= max) return false
    taken[label]++
    return true
  }
}

export const makeMemory = (): TokenStoreShape => {
  const counts = new Map<string, [number, number]>()
  const totals = { ham: 0, spam: 0 }
  const slots = makeLearnSlots()
  return {
    describe: "memory",
    takeLearnSlot: async (label, hour, max) => slots(label, hour, max),
    // Counts that fall to 0 are deleted, so an empty map and zero totals mean nothing learned.
    learnedNothing: () => totals.ham === 0 && totals.spam === 0 && counts.size === 0,
    lookup: async (tokens) => {
      const found = new Map<string, readonly [number, number]>()
      for (const t of tokens) {
        const c = counts.get(t)
        if (c) found.set(t, [c[0], c[1]])
      }
      return { nham: totals.ham, nspam: totals.spam, counts: found }
    },
    add: async (tokens, label, delta) => {
      const i = label === "ham" ? 0 : 1
      totals[label] = Math.max(0, totals[label] + delta)
      for (const t of new Set(tokens)) {
        const c = counts.get(t) ?? [0, 0]
        c[i] = Math.max(0, c[i]! + delta)
        if (c[0] === 0 && c[1] === 0) counts.delete(t)
        else counts.set(t, c)
      }
    },
    close: async () => {}
  }
}

/** The store as an Effect service; the composition root picks memory or Redis. */
export class TokenStore extends Context.Service<TokenStore, TokenStoreShape>()("@mailmoat/core/TokenStore") {}

export const layerMemory: Layer.Layer<TokenStore> = Layer.sync(TokenStore, () => makeMemory())
