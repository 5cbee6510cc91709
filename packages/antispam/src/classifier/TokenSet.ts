/**
 * A message's distinct tokens in the order they were first added, each held as a piece of a
 * string: a whole string (header, URL, feature tokens) or a range of the message's lower-cased
 * body (its words). A word becomes a string only when someone asks for it (`tokenAt`, `toArray`):
 * scoring looks the pieces up in the clue index by the hash computed here, so the usual
 * classification makes no string per word, no `Set` and no token array.
 *
 * Equality is that of the strings the pieces stand for (the same UTF-16 code units), as in a
 * `Set<string>`: a word of the body and a header token with the same characters are one token.
 *
 * **Gotchas**
 * The tokenizer keeps one set and reuses it for every message (`Tokenizer.collect`), as do the
 * text statistics for the words of a plain and an HTML version (`TextStats.analyseText`): what
 * they give is read (scored, compared, or copied out by `toArray`) before the next message, as
 * all of it is synchronous. The arrays grow when a message has more tokens than any before and are
 * never shrunk; `release` drops the references to the last message's strings.
 *
 * @category internals
 * @since 0.5.0
 */

import { hashRange } from "./ClueIndex.ts"

const sameUnits = (a: string, aOffset: number, b: string, bOffset: number, length: number): boolean => {
  for (let i = 0; i < length; i++) if (a.charCodeAt(aOffset + i) !== b.charCodeAt(bOffset + i)) return false
  return true
}

/** `sameUnits` of two pieces of one ASCII text, read from `bytes`, its codes. */
const sameBytes = (bytes: Uint8Array, aOffset: number, bOffset: number, length: number): boolean => {
  for (let i = 0; i < length; i++) if (bytes[aOffset + i] !== bytes[bOffset + i]) return false
  return true
}

/**
 * `[...names].sort()` by insertion: a message has a handful of feature names, and the built-in
 * sort allocated its work space per message (~0.6 KB, more than the names' array). Distinct
 * strings in UTF-16 code unit order, as the default comparison orders them.
 */
export const sortedNames = (names: ReadonlySet<string>): Array<string> => {
  const out = new Array<string>(names.size)
  let n = 0
  for (const name of names) {
    let i = n++
    for (; i > 0 && out[i - 1]! > name; i--) out[i] = out[i - 1]!
    out[i] = name
  }
  return out
}

export class TokenSet {
  /** Tokens held. */
  size = 0
  /** Structural feature names present (without the prefix), sorted: set by the tokenizer. */
  features: ReadonlyArray<string> = []
  private texts: Array<string> = []
  private offsets = new Int32Array(256)
  private lengths = new Int32Array(256)
  private hashes = new Int32Array(256)
  // Open addressing, at most half full: a slot holds an entry's index plus one (0: empty).
  private slots = new Int32Array(512)
  // The text whose pieces are compared by their bytes (`view`), and those bytes.
  private viewText: string | undefined = undefined
  private viewBytes: Uint8Array = new Uint8Array(0)

  /** Empties the set for a new message. */
  clear(): void {
    if (this.size > 0) this.slots.fill(0)
    this.size = 0
    this.features = []
    this.viewText = undefined
  }

  /**
   * Until `unview`: pieces of `text` are compared with other pieces of it by `bytes`, its codes
   * (`AsciiView.of(text)`: every character ASCII, one byte each), instead of by `charCodeAt`. A
   * scan that adds the words of one text gives it, as most of them repeat a word added before (on
   * the peer workload 290 of 367 words a message), and each repeat's characters are compared.
   * The bytes must stay as they are until `unview`: the scan's own, read before its next call.
   */
  view(text: string, bytes: Uint8Array): void {
    this.viewText = text
    this.viewBytes = bytes
  }

  /** Ends `view`: every piece is compared by `charCodeAt` again. */
  unview(): void {
    this.viewText = undefined
  }

  /** Adds the whole string `t` unless the set holds it; whether it was added. */
  add(t: string): boolean {
    return this.addRange(t, 0, t.length, hashRange(t, 0, t.length))
  }

  /**
   * Adds the token `text.slice(offset, offset + length)`, whose `ClueIndex.hashRange` is `hash`, unless the
   * set holds it; whether it was added. No string is made.
   */
  addRange(text: string, offset: number, length: number, hash: number): boolean {
    const i = this.slotOf(text, offset, length, hash)
    if (this.slots[i] !== 0) return false
    const e = this.size
    if (e === this.offsets.length) this.growEntries()
    this.texts[e] = text
    this.offsets[e] = offset
    this.lengths[e] = length
    this.hashes[e] = hash
    this.size = e + 1
    this.slots[i] = e + 1
    if (this.size * 2 > this.slots.length) this.rehash()
    return true
  }

  /** Whether the set holds the token `text.slice(offset, offset + length)` (`hash`: as for `addRange`). */
  has(text: string, offset: number, length: number, hash: number): boolean {
    return this.slots[this.slotOf(text, offset, length, hash)] !== 0
  }

  /** The slot that holds the token, or the empty slot where it would go. */
  private slotOf(text: string, offset: number, length: number, hash: number): number {
    const mask = this.slots.length - 1
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!
      if (slot === 0) return i
      const e = slot - 1
      if (this.hashes[e] !== hash || this.lengths[e] !== length) continue
      const entryText = this.texts[e]!
      if (
        entryText === text && text === this.viewText
          ? sameBytes(this.viewBytes, this.offsets[e]!, offset, length)
          : sameUnits(entryText, this.offsets[e]!, text, offset, length)
      )
        return i
    }
  }

  /** The string of entry `i` (a slice for a piece of a longer string). */
  tokenAt(i: number): string {
    const text = this.texts[i]!
    const offset = this.offsets[i]!
    const length = this.lengths[i]!
    return offset === 0 && length === text.length ? text : text.slice(offset, offset + length)
  }

  textAt(i: number): string {
    return this.texts[i]!
  }

  offsetAt(i: number): number {
    return this.offsets[i]!
  }

  lengthAt(i: number): number {
    return this.lengths[i]!
  }

  hashAt(i: number): number {
    return this.hashes[i]!
  }

  /** The hashes of the entries: `hashAt(i)` is its `[i]` for `i < size` (read it, never change it). */
  hashList(): Int32Array {
    return this.hashes
  }

  /** Every token as a string, in order. */
  toArray(): Array<string> {
    const out = new Array<string>(this.size)
    for (let i = 0; i < this.size; i++) out[i] = this.tokenAt(i)
    return out
  }

  /** Drops the references to the last message's strings (its body may be long). */
  release(): void {
    this.texts.fill("", 0, this.size)
    this.viewText = undefined
  }

  private growEntries(): void {
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2)
      b.set(a)
      return b
    }
    this.offsets = grow(this.offsets)
    this.lengths = grow(this.lengths)
    this.hashes = grow(this.hashes)
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let e = 0; e < this.size; e++) {
      let i = this.hashes[e]! & mask
      while (slots[i] !== 0) i = (i + 1) & mask
      slots[i] = e + 1
    }
    this.slots = slots
  }
}
