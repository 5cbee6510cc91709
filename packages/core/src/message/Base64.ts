/**
 * Tolerant base64 (RFC 2045 §6.8): characters outside the alphabet are skipped; `=` ends the
 * current quantum, so concatenated padded chunks (`QQ==QQ==`) decode chunk by chunk instead of
 * shifting bits. Deterministic and linear for any input.
 *
 * @category internal
 * @since 0.1.0
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const VALUES = new Int8Array(256).fill(-1)
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i
// base64url letters too: some senders use them in encoded-words.
VALUES[0x2d] = 62
VALUES[0x5f] = 63

/** Decodes the binary string range `[start, end)`, producing at most `max` bytes. */
export const decode = (s: string, start = 0, end = s.length, max = Number.POSITIVE_INFINITY): Uint8Array => {
  const cap = Math.min(max, Math.floor(((end - start) * 3) / 4) + 3)
  const out = new Uint8Array(Math.max(0, cap))
  let n = 0
  let acc = 0
  let bits = 0
  for (let i = start; i < end && n < cap; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x3d) {
      // Padding: drop the partial bits of this quantum and start a fresh one.
      acc = 0
      bits = 0
      continue
    }
    const v = c < 256 ? VALUES[c]! : -1
    if (v < 0) continue
    acc = ((acc << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[n++] = (acc >> bits) & 0xff
    }
  }
  return n === out.length ? out : out.slice(0, n)
}

/** Standard padded base64 of bytes. */
export const encode = (bytes: Uint8Array): string => {
  let out = ""
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const v = bytes[i]! << 16
    out += `${ALPHABET[v >> 18]!}${ALPHABET[(v >> 12) & 63]!}==`
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += `${ALPHABET[v >> 18]!}${ALPHABET[(v >> 12) & 63]!}${ALPHABET[(v >> 6) & 63]!}=`
  }
  return out
}
