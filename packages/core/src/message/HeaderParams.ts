/**
 * Structured header values with parameters (`Content-Type`, `Content-Disposition`), RFC 2045
 * §5.1 with RFC 2231 continuations (`name*0*=`), charsets and languages (`utf-8'en'%E2%82%AC`),
 * and the common non-standard RFC 2047 words in quoted file names.
 *
 * Bounded (Dovecot CVE-2026-27859): at most 64 parameters and 64 continuation
 * segments per parameter are used; the rest is ignored. Linear in the header length.
 *
 * @category parsers
 * @since 0.1.0
 */
import * as BoundedMemo from "../BoundedMemo.ts"
import { decode as decodeCharset } from "./Charset.ts"
import * as Rfc2047 from "./Rfc2047.ts"

const MAX_PARAMS = 64
const MAX_SEGMENTS = 64

export interface ParsedValue {
  /** The value before the first `;`, trimmed and lower-cased. */
  readonly value: string
  /** Parameter names lower-cased; RFC 2231 segments already joined and decoded. */
  readonly params: ReadonlyMap<string, string>
}

interface RawParam {
  readonly name: string
  readonly value: string
}

/** Splits at `;` outside quoted strings, unquoting values (backslash escapes honoured). */
const split = (header: string): { head: string; raw: Array<RawParam> } => {
  const raw: Array<RawParam> = []
  let i = header.indexOf(";")
  const head = (i < 0 ? header : header.slice(0, i)).trim().toLowerCase()
  // The next `=` is cached: re-searching it after every empty `;` would be quadratic.
  let eq = -2
  while (i >= 0 && i < header.length && raw.length < MAX_PARAMS) {
    if (eq !== -1 && eq <= i) eq = header.indexOf("=", i + 1)
    const semi = header.indexOf(";", i + 1)
    if (eq < 0) break
    if (semi >= 0 && semi < eq) {
      i = semi
      continue
    }
    const name = header
      .slice(i + 1, eq)
      .trim()
      .toLowerCase()
    let j = eq + 1
    while (j < header.length && (header[j] === " " || header[j] === "\t")) j++
    let value = ""
    if (header[j] === '"') {
      j++
      while (j < header.length && header[j] !== '"') {
        if (header[j] === "\\" && j + 1 < header.length) j++
        value += header[j]
        j++
      }
      const next = header.indexOf(";", j)
      i = next
    } else {
      const next = header.indexOf(";", j)
      value = (next < 0 ? header.slice(j) : header.slice(j, next)).trim()
      i = next
    }
    if (name !== "") raw.push({ name, value })
  }
  return { head, raw }
}

const hexVal = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const l = c | 0x20
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1
}

/** `%XX` escapes to bytes; other chars to their low byte. */
const percentBytes = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length)
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x25 && i + 2 < s.length && hexVal(s.charCodeAt(i + 1)) >= 0 && hexVal(s.charCodeAt(i + 2)) >= 0) {
      out[n++] = (hexVal(s.charCodeAt(i + 1)) << 4) | hexVal(s.charCodeAt(i + 2))
      i += 2
    } else out[n++] = c & 0xff
  }
  return out.subarray(0, n)
}

interface Segment {
  readonly value: string
  readonly extended: boolean
}

const SEGMENT = /^([^*]+)\*(\d{1,3})(\*?)$/

/** Joins RFC 2231 segments: consecutive extended ones are decoded together in the charset. */
const join = (segments: ReadonlyArray<Segment>): string => {
  let charset: string | undefined
  let out = ""
  let pending: Array<number> = []
  const flush = () => {
    if (pending.length > 0) out += decodeCharset(Uint8Array.from(pending), charset ?? "utf-8")
    pending = []
  }
  segments.forEach((seg, k) => {
    if (!seg.extended) {
      flush()
      out += seg.value
      return
    }
    let v = seg.value
    if (k === 0) {
      const q1 = v.indexOf("'")
      const q2 = q1 >= 0 ? v.indexOf("'", q1 + 1) : -1
      if (q2 >= 0) {
        charset = v.slice(0, q1) || undefined
        v = v.slice(q2 + 1)
      }
    }
    for (const b of percentBytes(v)) pending.push(b)
  })
  flush()
  return out
}

/** What `parse` gives, every time a new value (no memo). */
export const parseUncached = (header: string | undefined): ParsedValue => {
  const params = new Map<string, string>()
  if (header === undefined) return { value: "", params }
  const { head, raw } = split(header)
  const segments = new Map<string, Array<Segment | undefined>>()
  for (const { name, value } of raw) {
    const m = SEGMENT.exec(name)
    if (m) {
      const index = Number(m[2])
      if (index >= MAX_SEGMENTS) continue
      let list = segments.get(m[1]!)
      if (!list) segments.set(m[1]!, (list = []))
      list[index] ??= { value, extended: m[3] === "*" }
    } else if (name.endsWith("*")) {
      segments.set(name.slice(0, -1), [{ value, extended: true }])
    } else if (!params.has(name)) {
      params.set(name, value.includes("=?") ? Rfc2047.decode(value) : value)
    }
  }
  for (const [name, list] of segments) {
    const contiguous: Array<Segment> = []
    for (const seg of list) {
      if (!seg) break
      contiguous.push(seg)
    }
    if (contiguous.length > 0) params.set(name, join(contiguous))
  }
  return { value: head, params }
}

const NONE: ParsedValue = Object.freeze({ value: "", params: new Map<string, string>() })

/** A longer value (a long file name, many parameters) is parsed every time. */
const MAX_KEPT_LENGTH = 256

// Most parts' values repeat from message to message (`text/plain; charset=utf-8`, `inline`), and
// a part without a `Content-Disposition` asks about none at all: each parse built two maps and the
// pieces of the value. The answers are shared, read only (internal: `Mime.ts` reads them).
const remembered = BoundedMemo.make((header: string) => parseUncached(header), {
  maxEntries: 64,
  keep: (header) => header.length <= MAX_KEPT_LENGTH,
  detach: BoundedMemo.detachText
})

/**
 * Parses `value; a=b; c*0*=…` into a lower-cased value and decoded parameters. Never throws.
 * The answer may be shared with other callers (recent values are remembered): never change it.
 */
export const parse = (header: string | undefined): ParsedValue => (header === undefined ? NONE : remembered(header))
