/**
 * RFC 2047 encoded-words, for display and classification only (RFC 2047 §6): never use the
 * decoded text to find an addr-spec.
 *
 * `decode` joins adjacent encoded-words (whitespace between them is dropped, §6.2) and decodes
 * runs of one charset together, so a multi-byte character split across words survives. Unknown
 * charsets fall back to latin1. CR, LF and NUL in the result become spaces, so a decoded value
 * can never be written back as extra header lines.
 *
 * `encode` returns printable ASCII unchanged and otherwise UTF-8 `B` words of at most 75 chars,
 * separated by single spaces (a folding point); `decode(encode(s)) === s` for text without
 * CR/LF/NUL.
 *
 * @category parsers
 * @since 0.1.0
 */
import * as Base64 from "./Base64.ts"
import { decode as decodeCharset } from "./Charset.ts"

// Each quantifier is bounded by a literal `?` that the class excludes: no backtracking blow-up.
const WORD = /=\?([^?\s]{1,75})\?([bBqQ])\?([^?\s]*)\?=/g

const hex = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const l = c | 0x20
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10
  return -1
}

const decodeQ = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length)
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x5f) out[n++] = 0x20
    else if (c === 0x3d && i + 2 < s.length && hex(s.charCodeAt(i + 1)) >= 0 && hex(s.charCodeAt(i + 2)) >= 0) {
      out[n++] = (hex(s.charCodeAt(i + 1)) << 4) | hex(s.charCodeAt(i + 2))
      i += 2
    } else out[n++] = c < 256 ? c : 0x3f
  }
  return out.subarray(0, n)
}

const isBlank = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false
  }
  return true
}

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  let len = 0
  for (const c of chunks) len += c.length
  const out = new Uint8Array(len)
  let o = 0
  for (const c of chunks) {
    out.set(c, o)
    o += c.length
  }
  return out
}

const neutralise = (s: string): string => s.replace(/[\r\n\0]/g, " ")

/** Decodes the encoded-words in a header value. Never throws. */
export const decode = (value: string): string => {
  if (!value.includes("=?")) return neutralise(value)
  let out = ""
  let last = 0
  let pendingCharset: string | undefined
  let pending: Array<Uint8Array> = []
  const flush = () => {
    if (pending.length > 0) out += decodeCharset(concat(pending), pendingCharset)
    pending = []
    pendingCharset = undefined
  }
  WORD.lastIndex = 0
  for (let m = WORD.exec(value); m !== null; m = WORD.exec(value)) {
    const gap = value.slice(last, m.index)
    if (!(pending.length > 0 && isBlank(gap))) {
      flush()
      out += gap
    }
    const star = m[1]!.indexOf("*")
    const charset = (star >= 0 ? m[1]!.slice(0, star) : m[1]!).toLowerCase()
    const bytes = m[2] === "b" || m[2] === "B" ? Base64.decode(m[3]!) : decodeQ(m[3]!)
    if (pending.length > 0 && charset !== pendingCharset) flush()
    pendingCharset = charset
    pending.push(bytes)
    last = m.index + m[0].length
  }
  flush()
  out += value.slice(last)
  return neutralise(out)
}

const PLAIN = /^[\t\x20-\x7e]*$/
const MAX_WORD_BYTES = 45 // 60 base64 chars + "=?UTF-8?B?" + "?=" = 72 <= 75

/** Encodes text as RFC 2047 `B` words (UTF-8) unless it is printable ASCII already. */
export const encode = (text: string): string => {
  if (PLAIN.test(text) && !text.includes("=?")) return text
  const encoder = new TextEncoder()
  const words: Array<string> = []
  let chunk: Array<Uint8Array> = []
  let size = 0
  const emit = () => {
    if (size > 0) words.push(`=?UTF-8?B?${Base64.encode(concat(chunk))}?=`)
    chunk = []
    size = 0
  }
  for (const ch of text) {
    const b = encoder.encode(ch)
    if (size + b.length > MAX_WORD_BYTES) emit()
    chunk.push(b)
    size += b.length
  }
  emit()
  return words.join(" ")
}
