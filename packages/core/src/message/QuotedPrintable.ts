/**
 * Quoted-printable decoding (RFC 2045 §6.7), tolerant and linear: `=XX` (either case) is a
 * byte, `=` before optional whitespace and a line end is a soft break (CRLF or bare LF), a
 * malformed `=` is kept literally, and whitespace at the end of a line (transport padding) is
 * dropped. Line ends are kept as written.
 *
 * @category internal
 * @since 0.1.0
 */

const hex = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const l = c | 0x20
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1
}

const isWsp = (c: number): boolean => c === 0x20 || c === 0x09

/** Decodes the binary string range `[start, end)`, producing at most `max` bytes. */
export const decode = (s: string, start = 0, end = s.length, max = Number.POSITIVE_INFINITY): Uint8Array => {
  const cap = Math.max(0, Math.min(max, end - start))
  const out = new Uint8Array(cap)
  let n = 0
  let i = start
  while (i < end && n < cap) {
    const c = s.charCodeAt(i)
    if (c === 0x3d) {
      const h1 = i + 1 < end ? hex(s.charCodeAt(i + 1)) : -1
      const h2 = i + 2 < end ? hex(s.charCodeAt(i + 2)) : -1
      if (h1 >= 0 && h2 >= 0) {
        out[n++] = (h1 << 4) | h2
        i += 3
        continue
      }
      let j = i + 1
      while (j < end && isWsp(s.charCodeAt(j))) j++
      if (j >= end) break // soft break at the very end
      if (s.charCodeAt(j) === 0x0a) {
        i = j + 1
        continue
      }
      if (s.charCodeAt(j) === 0x0d && j + 1 < end && s.charCodeAt(j + 1) === 0x0a) {
        i = j + 2
        continue
      }
      out[n++] = 0x3d
      i++
      continue
    }
    if (isWsp(c)) {
      let j = i + 1
      while (j < end && isWsp(s.charCodeAt(j))) j++
      const next = j < end ? s.charCodeAt(j) : 0x0a
      if (next === 0x0a || (next === 0x0d && (j + 1 >= end || s.charCodeAt(j + 1) === 0x0a))) {
        i = j
        continue
      }
      for (; i < j && n < cap; i++) out[n++] = s.charCodeAt(i)
      continue
    }
    out[n++] = c & 0xff
    i++
  }
  return n === out.length ? out : out.slice(0, n)
}

/** Encodes bytes as quoted-printable with CRLF soft breaks (used by tests and fixtures). */
export const encode = (bytes: Uint8Array): string => {
  let out = ""
  let line = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    const lineEnd = b === 0x0d && bytes[i + 1] === 0x0a
    let piece: string
    if (lineEnd) {
      out += "\r\n"
      line = 0
      i++
      continue
    }
    const last = i + 1 === bytes.length || (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a)
    if ((b >= 33 && b <= 126 && b !== 0x3d) || (isWsp(b) && !last)) piece = String.fromCharCode(b)
    else piece = `=${b.toString(16).toUpperCase().padStart(2, "0")}`
    if (line + piece.length > 75) {
      out += "=\r\n"
      line = 0
    }
    out += piece
    line += piece.length
  }
  return out
}
