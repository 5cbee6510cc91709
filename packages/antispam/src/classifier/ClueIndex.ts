/**
 * A model's clues (token -> f(w), `Clues.ts`) laid out for lookups that mostly miss the
 * processor's caches: scoring looks up some 150 tokens per message, and between two messages the
 * tokenizer has pushed the table out of the caches. A `Map` lookup reads a bucket, an entry, the
 * key string (for a long key, through a view into the model file's text) and a boxed number:
 * four or five places in memory. Here a lookup reads one slot of a flat array (the key's hash and
 * where its entry is) and the entry in one pool (f(w), the key's length and characters): two.
 *
 * The answers are exactly those of the table: the same keys, the same f(w) (a `Float64Array`
 * `DataView` keeps every double as it is), a key found only when all its characters are equal.
 *
 * **Gotchas**
 * Built once per table and never changed: a lookup's probe ends at the first empty slot, and the
 * table is at most half full, so a probe's length depends on the table alone, not on the
 * message (no token can make lookups slow). Eight bytes per slot (two slots per key or more)
 * plus twelve bytes and two per character per key: about 1.4 MB for the shipped model.
 *
 * @category models
 * @since 0.4.0
 */

export interface ClueIndex {
  readonly size: number
  /** f(w) of `token` when the table holds it, else undefined. */
  readonly get: (token: string) => number | undefined
  /**
   * Whether the table holds `text.slice(offset, offset + length)` (without the slice; `hash` is
   * the piece's `hashRange`), and if so its f(w) written to `into[at]`: a double returned from a
   * call that is not inlined is a heap number, one per clue of every message.
   */
  readonly readRange: (
    text: string,
    offset: number,
    length: number,
    hash: number,
    into: Float64Array,
    at: number
  ) => boolean
  /**
   * Brings into the processor's caches what lookups of the keys with hashes `hashes[0, n)` will
   * read (their first slots, and the entry of each such slot whose hash is the key's); answers
   * nothing, changes nothing. A message's lookups each wait for a slot, then an entry, from main
   * memory, one lookup after the other; these loads do not depend on one another, so the
   * processor has many of them under way at once, and the lookups that follow find them cached.
   */
  readonly warm: (hashes: Int32Array, n: number) => void
}

/**
 * FNV-1a over UTF-16 code units: cheap for the short tokens of a message. A signed 32-bit
 * integer, as the slots hold it (the empty key's hash is the offset basis itself).
 */
export const hashOf = (s: string): number => hashRange(s, 0, s.length)

/** FNV-1a's 32-bit offset basis (as a signed integer) and prime, as `hashRange` hashes: `TopicGate`'s too. */
export const FNV_BASIS = 0x811c9dc5 | 0
export const FNV_PRIME = 0x01000193

/** `hashOf(text.slice(offset, offset + length))`, without the slice. */
export const hashRange = (text: string, offset: number, length: number): number => {
  // The constants written out (FNV_BASIS, FNV_PRIME): this loop hashes every word of every message.
  let h = 0x811c9dc5 | 0
  for (let i = offset, end = offset + length; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h
}

// A slot is two int32s: the key's hash and where its entry starts in the pool, plus one (0: an
// empty slot, so an empty key is a key like any other). Eight bytes, eight slots to a cache line:
// a probe for a token the table does not know (a run of occupied slots, then an empty one)
// mostly reads one line, and the slots of the shipped model take half a megabyte, not two.
// An entry in the pool is f(w) (four code units of the double's bytes), the key's length (two
// units) and its characters: a lookup that finds its key reads the slot and this one entry.
const HASH = 0
const ENTRY = 1
const SLOT = 2
const F_UNITS = 4
const LENGTH_UNITS = 2
const HEAD = F_UNITS + LENGTH_UNITS

const matches = (pool: Uint16Array, start: number, text: string, offset: number, length: number): boolean => {
  for (let i = 0; i < length; i++) if (pool[start + i] !== text.charCodeAt(offset + i)) return false
  return true
}

/** The last `warm`'s loads, combined: written so that no engine drops them as dead code. */
let warmed = 0
export const lastWarmed = (): number => warmed

/**
 * The index of the clues `keys[i]` -> `values[i]`. The keys must be distinct (a model's table has
 * each token once); two parallel arrays, so a model's clues need no `Map` of their own on the way.
 */
export const make = (keys: ReadonlyArray<string>, values: ArrayLike<number>): ClueIndex => {
  let units = 0
  for (const t of keys) units += HEAD + t.length
  const buffer = new ArrayBuffer(units * 2)
  const pool = new Uint16Array(buffer)
  // f(w) sits at any even byte offset of the pool: a DataView reads it there, bit for bit.
  const doubles = new DataView(buffer)
  let capacity = 8
  while (capacity < keys.length * 2) capacity *= 2
  const mask = capacity - 1
  const slots = new Int32Array(capacity * SLOT)
  let end = 0
  for (let k = 0; k < keys.length; k++) {
    const t = keys[k]!
    const h = hashOf(t)
    let i = h & mask
    while (slots[i * SLOT + ENTRY] !== 0) i = (i + 1) & mask
    slots[i * SLOT + HASH] = h
    slots[i * SLOT + ENTRY] = end + 1
    doubles.setFloat64(end * 2, values[k]!, true)
    pool[end + F_UNITS] = t.length & 0xffff
    pool[end + F_UNITS + 1] = t.length >>> 16
    for (let c = 0; c < t.length; c++) pool[end + HEAD + c] = t.charCodeAt(c)
    end += HEAD + t.length
  }
  /** Where the entry of `text.slice(offset, offset + length)` starts in the pool, -1 if absent. */
  const find = (text: string, offset: number, length: number, h: number): number => {
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = slots[i * SLOT + ENTRY]!
      if (entry === 0) return -1
      if (slots[i * SLOT + HASH] !== h) continue
      const e = entry - 1
      if (
        pool[e + F_UNITS] === (length & 0xffff) &&
        pool[e + F_UNITS + 1] === length >>> 16 &&
        matches(pool, e + HEAD, text, offset, length)
      )
        return e
    }
  }
  const get = (token: string): number | undefined => {
    const e = find(token, 0, token.length, hashOf(token))
    return e < 0 ? undefined : doubles.getFloat64(e * 2, true)
  }
  const readRange: ClueIndex["readRange"] = (text, offset, length, hash, into, at) => {
    const e = find(text, offset, length, hash)
    if (e < 0) return false
    into[at] = doubles.getFloat64(e * 2, true)
    return true
  }
  const warm: ClueIndex["warm"] = (hashes, n) => {
    // Every load's value goes into `touched`, kept below, so that no load is dropped as unused.
    let touched = 0
    for (let k = 0; k < n; k++) touched ^= slots[(hashes[k]! & mask) * SLOT + HASH]!
    for (let k = 0; k < n; k++) {
      const i = (hashes[k]! & mask) * SLOT
      const entry = slots[i + ENTRY]!
      if (entry !== 0 && slots[i + HASH] === hashes[k]) touched ^= pool[entry - 1 + F_UNITS]!
    }
    warmed = touched
  }
  return { size: keys.length, get, readRange, warm }
}
