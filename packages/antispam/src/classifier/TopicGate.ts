/**
 * Whether a text could hold two different phrases of one topic (`Topics.ts`), from the words it
 * holds: the topics' one scan is a regular expression of some sixty alternatives tried at every
 * word of the text, and almost no mail holds the words of two phrases of one topic, so the scan
 * runs only on the mail that does (docs/classifier.md, round 24, had the same idea on the
 * tokenizer's set; this one reads the text itself, before the set exists).
 *
 * A phrase carries groups of words: every match of it holds, for each group, one of the group's
 * words as a whole run of ASCII letters, or of ASCII digits (a run: letters with no letter either
 * side, or digits with no digit either side; `s1618` is the runs `s` and `1618`). A phrase is
 * possible when the text holds a word of each of its groups; a topic is possible when two of its
 * phrases are. The answer is never "no" where the scan would find a topic: a word seen where the
 * phrase is not (`credit` and `bad` far apart) only makes the scan run for nothing.
 *
 * Case: the scan's `i` flag without `u` folds ASCII letters only (the spec's Canonicalize keeps a
 * character outside ASCII whose upper case is in it), so runs of ASCII letters, lower-cased by
 * their bit 5, are what it can match.
 *
 * @category internals
 * @since 0.5.0
 */

import { FNV_BASIS, FNV_PRIME, hashOf } from "./ClueIndex.ts"

/** A phrase: its pattern's source and its groups of words (lower-case ASCII letters, or digits). */
export type Phrase = readonly [source: string, words: ReadonlyArray<ReadonlyArray<string>>]

/**
 * The gate of a list of topics, which keeps the marks of one text at a time: `clear`, then the
 * runs of the text (`scan`, or `mark` from a caller's own pass over it), then `open`.
 */
export interface TopicGate {
  /** Forgets the runs marked. */
  readonly clear: () => void
  /**
   * Marks a run of ASCII letters or of ASCII digits by its hash: FNV-1a (`ClueIndex.hashRange`'s)
   * over its characters, letters lower-cased (`c | 0x20`). A run is never split: its neighbours
   * are not of its kind, or the ends of the text read.
   */
  readonly mark: (hash: number) => void
  /** Marks every run of `s`. */
  readonly scan: (s: string) => void
  /** Whether a topic could have two phrases in the runs marked. */
  readonly open: () => boolean
}

/** Builds the gate for `topics`: per topic, per phrase, the groups of words its matches hold. */
export const topicGate = (topics: ReadonlyArray<ReadonlyArray<ReadonlyArray<ReadonlyArray<string>>>>): TopicGate => {
  // Every group of every phrase gets a number; a word lists the groups it belongs to.
  const groupsOfWord = new Map<string, Array<number>>()
  const phraseGroups: Array<Array<Array<number>>> = []
  let groups = 0
  for (const phrases of topics) {
    const ofTopic: Array<Array<number>> = []
    for (const words of phrases) {
      const ofPhrase: Array<number> = []
      for (const group of words) {
        const g = groups++
        ofPhrase.push(g)
        for (const w of group) {
          if (!/^(?:[a-z]+|[0-9]+)$/.test(w))
            throw new Error(`topic gate: "${w}" is not a run of lower-case ASCII letters or of digits`)
          const list = groupsOfWord.get(w) ?? []
          list.push(g)
          groupsOfWord.set(w, list)
        }
      }
      // A phrase with no group (none in the lists) is always possible.
      ofTopic.push(ofPhrase)
    }
    phraseGroups.push(ofTopic)
  }
  // Open addressing by the word's hash, at most a quarter full: a slot holds the word's number
  // plus one. Words are not compared: two runs with one hash only make the scan run for nothing.
  const words = [...groupsOfWord.keys()]
  let capacity = 16
  while (capacity < words.length * 4) capacity *= 2
  const mask = capacity - 1
  const slotHash = new Int32Array(capacity)
  const slotWord = new Int32Array(capacity)
  words.forEach((w, k) => {
    const h = hashOf(w)
    let i = h & mask
    while (slotWord[i] !== 0) i = (i + 1) & mask
    slotHash[i] = h
    slotWord[i] = k + 1
  })
  const wordGroups = words.map((w) => Int32Array.from(groupsOfWord.get(w)!))
  const seen = new Uint8Array(groups)

  const mark = (h: number): void => {
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = slotWord[i]!
      if (k === 0) return
      if (slotHash[i] === h) {
        const gs = wordGroups[k - 1]!
        for (let j = 0; j < gs.length; j++) seen[gs[j]!] = 1
        return
      }
    }
  }
  const scan = (s: string): void => {
    let h = FNV_BASIS
    // The run's kind: 0 none, 1 letters, 2 digits.
    let kind = 0
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      const lower = c | 0x20
      const now = lower >= 97 && lower <= 122 ? 1 : c >= 48 && c <= 57 ? 2 : 0
      if (now !== kind && kind !== 0) {
        mark(h)
        h = FNV_BASIS
      }
      kind = now
      if (now === 1) h = Math.imul(h ^ lower, FNV_PRIME)
      else if (now === 2) h = Math.imul(h ^ c, FNV_PRIME)
    }
    if (kind !== 0) mark(h)
  }
  const possible = (phrase: ReadonlyArray<number>): boolean => {
    for (let j = 0; j < phrase.length; j++) if (seen[phrase[j]!] === 0) return false
    return true
  }
  const open = (): boolean => {
    for (const phrases of phraseGroups) {
      let n = 0
      for (const phrase of phrases) if (possible(phrase) && ++n >= 2) return true
    }
    return false
  }
  return { clear: () => seen.fill(0), mark, scan, open }
}
