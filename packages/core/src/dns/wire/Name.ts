/**
 * Domain names on the wire (RFC 1035 §3.1, §4.1.4): encoding a question's name, reading a
 * possibly compressed name out of a packet.
 *
 * **Gotchas**
 * - A compression pointer must point strictly before every byte of the name read so far: that
 *   forbids forward pointers and makes loops impossible (each jump goes lower), so reading a
 *   hostile name ends after at most one pass over the packet.
 * - Names read are given in presentation form, case kept: `.` and `\` inside a label are escaped
 *   with a backslash, bytes outside printable ASCII as `\DDD`, as c-ares presents them, so two
 *   different label sequences never read as the same text.
 *
 * @category models
 * @since 0.1.0
 */
import { type WireError, wireError } from "./WireError.ts"

/** RFC 1035 §2.3.4. */
export const MAX_LABEL = 63
export const MAX_NAME = 255

const encoder = new TextEncoder()
const DOT = 0x2e

/** A label's bytes: UTF-8, written directly for the ASCII names nearly every question asks. */
const labelBytes = (label: string): Uint8Array => {
  const out = new Uint8Array(label.length)
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i)
    if (c > 0x7f) return encoder.encode(label)
    out[i] = c
  }
  return out
}

/** `encodeName` for a name with characters outside ASCII: its labels' UTF-8 bytes. */
const encodeLabels = (name: string): Uint8Array | WireError => {
  const labels = name.split(".")
  const parts: Array<Uint8Array> = []
  let size = 1
  for (const label of labels) {
    const bytes = labelBytes(label)
    if (bytes.length === 0) return wireError("BadName", `empty label in "${name}"`)
    if (bytes.length > MAX_LABEL) return wireError("BadName", `label over ${MAX_LABEL} bytes in "${name}"`)
    parts.push(bytes)
    size += bytes.length + 1
  }
  if (size > MAX_NAME) return wireError("BadName", `name over ${MAX_NAME} bytes: "${name}"`)
  const out = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    out[at++] = p.length
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * A name's wire form (labels, then the root's zero byte). `name` is in the form `normaliseName`
 * gives (no trailing dot); an empty name is the root.
 *
 * An ASCII name (nearly every question) is written in one pass into one array, each dot's place
 * taking the next label's length: a resolver encodes a name per question, and an array per label
 * was most of the bytes it allocated.
 */
export const encodeName = (name: string): Uint8Array | WireError => {
  if (name === "") return new Uint8Array(1)
  const out = new Uint8Array(name.length + 2)
  // Where the label being written keeps its length byte.
  let lengthAt = 0
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : DOT
    if (c > 0x7f) return encodeLabels(name)
    if (c !== DOT) {
      out[i + 1] = c
      continue
    }
    const length = i - lengthAt
    if (length === 0) return wireError("BadName", `empty label in "${name}"`)
    if (length > MAX_LABEL) return wireError("BadName", `label over ${MAX_LABEL} bytes in "${name}"`)
    out[lengthAt] = length
    lengthAt = i + 1
  }
  if (out.length > MAX_NAME) return wireError("BadName", `name over ${MAX_NAME} bytes: "${name}"`)
  return out
}

/** A name read from a packet: its presentation text and the offset just past it where it sat. */
export interface ReadName {
  readonly text: string
  readonly next: number
}

/** Names start after the 12-byte header: a pointer into it is not a name. */
const HEADER_SIZE = 12
const BACKSLASH = 0x5c

/**
 * A name's characters as they are read, made into one string at the end: appending label by
 * label made a string per label and per join, most of what reading an answer allocated. Every
 * read name fits (at most 254 label bytes, each at most 4 characters, dots included).
 */
const spelt = new Uint16Array(4 * MAX_NAME)
const DIGIT_0 = 0x30

/** Writes a label's text at `n` (printable ASCII as it is, `.` and `\` escaped with a backslash, other bytes as `\DDD`); returns the new end. */
const spellLabel = (bytes: Uint8Array, from: number, length: number, n: number): number => {
  for (let i = from; i < from + length; i++) {
    const b = bytes[i]!
    if (b === DOT || b === BACKSLASH) {
      spelt[n++] = BACKSLASH
      spelt[n++] = b
    } else if (b < 0x21 || b > 0x7e) {
      spelt[n++] = BACKSLASH
      spelt[n++] = DIGIT_0 + ((b / 100) | 0)
      spelt[n++] = DIGIT_0 + (((b / 10) | 0) % 10)
      spelt[n++] = DIGIT_0 + (b % 10)
    } else spelt[n++] = b
  }
  return n
}

/** Walks the name at `offset`, following compression pointers backwards only; spells it when `spell`. */
const walkName = (bytes: Uint8Array, offset: number, spell: boolean): ReadName | WireError => {
  let at = offset
  let lowest = offset
  let next = -1
  let wireLength = 1
  let n = 0
  for (;;) {
    if (at >= bytes.length) return wireError("Truncated", `name at ${offset} runs past the packet`)
    const len = bytes[at]!
    if (len === 0) {
      if (next < 0) next = at + 1
      const text = n === 0 ? "" : String.fromCharCode.apply(null, spelt.subarray(0, n) as unknown as Array<number>)
      return { text, next }
    }
    const kind = len & 0xc0
    if (kind === 0xc0) {
      if (at + 1 >= bytes.length) return wireError("Truncated", `pointer at ${at} runs past the packet`)
      const target = ((len & 0x3f) << 8) | bytes[at + 1]!
      // Strictly below every byte read so far (no forward pointer, no loop), and past the header.
      if (target >= lowest || target < HEADER_SIZE)
        return wireError("BadName", `pointer at ${at} to ${target} does not point backwards`)
      if (next < 0) next = at + 2
      at = target
      lowest = target
      continue
    }
    if (kind !== 0) return wireError("BadName", `label type 0x${kind.toString(16)} at ${at}`)
    wireLength += len + 1
    if (wireLength > MAX_NAME) return wireError("BadName", `name at ${offset} over ${MAX_NAME} bytes`)
    if (at + 1 + len > bytes.length) return wireError("Truncated", `label at ${at} runs past the packet`)
    if (spell) {
      if (n > 0) spelt[n++] = DOT
      n = spellLabel(bytes, at + 1, len, n)
    }
    at += 1 + len
  }
}

/** Reads the name at `offset`, following compression pointers backwards only. */
export const readName = (bytes: Uint8Array, offset: number): ReadName | WireError => walkName(bytes, offset, true)

/** Where the name at `offset` ends, checked as `readName` checks it, without its text. */
export const skipName = (bytes: Uint8Array, offset: number): number | WireError => {
  const read = walkName(bytes, offset, false)
  return "_tag" in read ? read : read.next
}

/** ASCII-only lower case (RFC 4343: DNS names compare case-insensitively in ASCII only). */
export const foldCase = (text: string): string => text.replace(/[A-Z]+/g, (s) => s.toLowerCase())
