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
let ascii: InstanceType<typeof TextDecoder> | undefined

/** Bytes `[start, end)` as a binary string. */
export const toBinary = (bytes: Uint8Array, start = 0, end = bytes.length): string => {
  if (end - start > 64 && isAsciiRange(bytes, start, end)) {
    ascii ??= new TextDecoder("utf-8", { ignoreBOM: true })
    return ascii.decode(bytes.subarray(start, end))
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

const isAsciiRange = (bytes: Uint8Array, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) if (bytes[i]! > 0x7f) return false
  return true
}

/** True when every byte is below 0x80. */
export const isAscii = (bytes: Uint8Array): boolean => isAsciiRange(bytes, 0, bytes.length)
