/**
 * A model's clues (token -> f(w), `Clues.ts`) laid out for lookups that mostly miss the
 * processor's caches: scoring looks up some 150 tokens per message, and between two messages the
 * tokenizer has pushed the table out of the caches. A `Map` lookup reads a bucket, an entry, the
 * key string (for a long key, through a view into the model file's text) and a boxed number:
 * four or five places in memory. Here a lookup reads one slot of a flat array (f(w), the key's
 * hash, where its characters are and how many) and the key's characters in one pool: two.
 *
 * The answers are exactly those of the table: the same keys, the same f(w) (a `Float64Array`
 * holds every double as it is), a key found only when all its characters are equal.
 *
 * **Gotchas**
 * Built once per table and never changed: a lookup's probe ends at the first empty slot, and the
 * table is at most half full, so a probe's length depends on the table alone, not on the
 * message (no token can make lookups slow). About 32 bytes per slot (two per key) plus two bytes
 * per character of the keys: some 2.5 MB for the shipped model.
 *
 * @category models
 * @since 0.4.0
 */

export interface ClueIndex {
  readonly size: number
  /** f(w) of `token` when the table holds it, else undefined. */
  readonly get: (token: string) => number | undefined
}

/** FNV-1a over UTF-16 code units: cheap for the short tokens of a message. */
export const hashOf = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h
}

// One slot is four doubles: f(w), the key's hash, the key's start in the pool, its length + 1
// (0: an empty slot, so an empty key is a key like any other).
const F = 0
const HASH = 1
const START = 2
const LENGTH = 3
const SLOT = 4

const matches = (pool: Uint16Array, start: number, token: string): boolean => {
  for (let i = 0; i < token.length; i++) if (pool[start + i] !== token.charCodeAt(i)) return false
  return true
}

/**
 * The index of the clues `keys[i]` -> `values[i]`. The keys must be distinct (a model's table has
 * each token once); two parallel arrays, so a model's clues need no `Map` of their own on the way.
 */
export const make = (keys: ReadonlyArray<string>, values: ArrayLike<number>): ClueIndex => {
  let units = 0
  for (const t of keys) units += t.length
  const pool = new Uint16Array(units)
  let capacity = 8
  while (capacity < keys.length * 2) capacity *= 2
  const mask = capacity - 1
  const slots = new Float64Array(capacity * SLOT)
  let end = 0
  for (let k = 0; k < keys.length; k++) {
    const t = keys[k]!
    const f = values[k]!
    const h = hashOf(t)
    let i = h & mask
    while (slots[i * SLOT + LENGTH] !== 0) i = (i + 1) & mask
    const s = i * SLOT
    slots[s + F] = f
    slots[s + HASH] = h
    slots[s + START] = end
    slots[s + LENGTH] = t.length + 1
    for (let c = 0; c < t.length; c++) pool[end + c] = t.charCodeAt(c)
    end += t.length
  }
  const get = (token: string): number | undefined => {
    const h = hashOf(token)
    const length = token.length + 1
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = i * SLOT
      const l = slots[s + LENGTH]!
      if (l === 0) return undefined
      if (slots[s + HASH] === h && l === length && matches(pool, slots[s + START]!, token)) return slots[s + F]
    }
  }
  return { size: keys.length, get }
}
