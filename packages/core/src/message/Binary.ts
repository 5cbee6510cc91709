/**
 * Byte <-> "binary string" helpers. A binary string holds one char per byte (code 0-255), so
 * V8 keeps it one-byte and `indexOf`/regexes run natively over message bytes without decoding.
 *
 * Gotcha: `TextDecoder("latin1")` is windows-1252 in WHATWG (0x80-0x9F map elsewhere), so it
 * is not a byte-preserving decoder; these helpers are.
 *
 * @category internal
 * @since 0.1.0
 */

const CHUNK = 0x2000
// For ASCII bytes UTF-8 decoding is the identity and runs natively.
let ascii_: InstanceType<typeof TextDecoder> | undefined

/**
 * Bytes `[start, end)` as a binary string. `ascii`: whether every byte is below 0x80, when the
 * caller has already found out (`isAscii`), so the bytes are not looked at twice.
 */
export const toBinary = (bytes: Uint8Array, start = 0, end = bytes.length, ascii?: boolean): string => {
  if (end - start > 64 && (ascii ?? isAsciiRange(bytes, start, end))) {
    ascii_ ??= new TextDecoder("utf-8", { ignoreBOM: true })
    return ascii_.decode(bytes.subarray(start, end))
  }
  if (end - start <= CHUNK)
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as Array<number>)
  const parts: Array<string> = []
  for (let i = start; i < end; i += CHUNK) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + CHUNK)) as unknown as Array<number>))
  }
  return parts.join("")
}

/** A binary string (or any string: chars are truncated to their low byte) as bytes. */
export const fromBinary = (s: string, start = 0, end = s.length): Uint8Array => {
  const out = new Uint8Array(Math.max(0, end - start))
  for (let i = start; i < end; i++) out[i - start] = s.charCodeAt(i) & 0xff
  return out
}

// Below this many bytes a view's construction costs more than the byte loop saves.
const WORDS_FROM = 32

/**
 * Whether every byte of `bytes[start, end)` is below 0x80. Longer ranges are read four bytes at a
 * time through a 32-bit view of their aligned middle (a view needs an offset that is a multiple
 * of 4): a quarter of the loads and tests of a byte loop, the whole scan view of every message.
 */
const isAsciiRange = (bytes: Uint8Array, start: number, end: number): boolean => {
  let i = start
  if (end - start >= WORDS_FROM) {
    const head = Math.min(end, i + ((4 - ((bytes.byteOffset + i) & 3)) & 3))
    for (; i < head; i++) if (bytes[i]! > 0x7f) return false
    const words = (end - i) >> 2
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words)
    for (let k = 0; k < words; k++) if ((view[k]! & 0x80808080) !== 0) return false
    i += words * 4
  }
  for (; i < end; i++) if (bytes[i]! > 0x7f) return false
  return true
}

/** True when every byte is below 0x80. */
export const isAscii = (bytes: Uint8Array): boolean => isAsciiRange(bytes, 0, bytes.length)
