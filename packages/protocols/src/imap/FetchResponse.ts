/**
 * One whole `* n FETCH (...)` response, literals included, split into its items with their byte
 * ranges, and written back with some item values replaced. The proxy holds a response whole only
 * when it serves part of it from a rewritten message (or when the response answers its own fetch),
 * so this parser works on complete bytes, not on a stream.
 *
 * Values follow RFC 9051's grammar loosely: `NIL`, atoms and numbers, quoted strings with
 * backslash escapes, literals (`{n}`, `{n+}`, `~{n}`) and parenthesised lists of those (nested,
 * as ENVELOPE and BODYSTRUCTURE are).
 *
 * **Gotchas**
 * - Anything that does not parse (a truncated literal, an unbalanced list, a missing CRLF) is
 *   `undefined`; the caller then passes the bytes on as they are.
 * - Lists nest at most `MAX_DEPTH` deep.
 *
 * @category models
 * @since 0.1.0
 */

export interface FetchResponseItem {
  /** Upper-case item name (`UID`, `BODY[1]<0>`). */
  readonly name: string
  readonly start: number
  readonly valueStart: number
  readonly valueEnd: number
  /** The octets of a literal value. */
  readonly literal: { readonly start: number; readonly end: number } | undefined
}

export interface FetchResponse {
  readonly seq: number
  readonly items: ReadonlyArray<FetchResponseItem>
  /** Where the item list's closing parenthesis is. */
  readonly close: number
}

const SP = 0x20
const CR = 0x0d
const LF = 0x0a
const OPEN = 0x28
const CLOSE = 0x29
const QUOTE = 0x22
const BRACE = 0x7b
const TILDE = 0x7e
const MAX_DEPTH = 64
const HEAD = /^\* (\d{1,10}) FETCH \(/i

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39

type Value = { readonly end: number; readonly literal: FetchResponseItem["literal"] }

/** `{n}` / `{n+}` / `~{n}` then CRLF and n octets at `pos`. */
const literalAt = (b: Uint8Array, pos: number): Value | undefined => {
  let i = b[pos] === TILDE ? pos + 1 : pos
  if (b[i] !== BRACE) return undefined
  i++
  let size = 0
  const digits = i
  while (isDigit(b[i]) && i - digits < 15) size = size * 10 + (b[i++]! - 0x30)
  if (i === digits) return undefined
  if (b[i] === 0x2b) i++
  if (b[i] !== 0x7d || b[i + 1] !== CR || b[i + 2] !== LF) return undefined
  const start = i + 3
  if (start + size > b.length) return undefined
  return { end: start + size, literal: { start, end: start + size } }
}

const valueAt = (b: Uint8Array, pos: number, depth: number): Value | undefined => {
  const c = b[pos]
  if (c === undefined) return undefined
  if (c === QUOTE) {
    for (let i = pos + 1; i < b.length; i++) {
      const q = b[i]!
      if (q === 0x5c) i++
      else if (q === QUOTE) return { end: i + 1, literal: undefined }
      else if (q === CR || q === LF) return undefined
    }
    return undefined
  }
  if (c === BRACE || c === TILDE) return literalAt(b, pos)
  if (c === OPEN) {
    if (depth >= MAX_DEPTH) return undefined
    let i = pos + 1
    for (;;) {
      if (b[i] === CLOSE) return { end: i + 1, literal: undefined }
      if (b[i] === SP) {
        i++
        continue
      }
      const inner = valueAt(b, i, depth + 1)
      if (inner === undefined) return undefined
      i = inner.end
    }
  }
  let i = pos
  // An atom may carry a bracketed part (BODY[HEADER.FIELDS (A)] as a value does not occur, but
  // response codes in lists do); it ends at a space, a parenthesis or the line end.
  let bracket = 0
  while (i < b.length) {
    const a = b[i]!
    if (a === CR || a === LF) break
    if (bracket === 0 && (a === SP || a === OPEN || a === CLOSE || a === QUOTE)) break
    if (a === 0x5b) bracket++
    else if (a === 0x5d && bracket > 0) bracket--
    i++
  }
  return i === pos ? undefined : { end: i, literal: undefined }
}

/** The item name at `pos`: up to a space outside brackets. */
const nameAt = (b: Uint8Array, pos: number): number | undefined => {
  let bracket = 0
  for (let i = pos; i < b.length; i++) {
    const a = b[i]!
    if (a === CR || a === LF) return undefined
    if (a === 0x5b) bracket++
    else if (a === 0x5d) bracket = Math.max(0, bracket - 1)
    else if (a === SP && bracket === 0) return i === pos ? undefined : i
  }
  return undefined
}

export const parseFetchResponse = (b: Uint8Array): FetchResponse | undefined => {
  const head = HEAD.exec(Buffer.from(b.subarray(0, 24)).toString("latin1"))
  if (head === null) return undefined
  const items: Array<FetchResponseItem> = []
  let pos = head[0].length
  for (;;) {
    if (b[pos] === CLOSE) {
      if (pos + 3 !== b.length || b[pos + 1] !== CR || b[pos + 2] !== LF) return undefined
      return { seq: Number(head[1]), items, close: pos }
    }
    if (items.length > 0) {
      if (b[pos] !== SP) return undefined
      pos++
    }
    const nameEnd = nameAt(b, pos)
    if (nameEnd === undefined) return undefined
    const value = valueAt(b, nameEnd + 1, 0)
    if (value === undefined) return undefined
    const name = Buffer.from(b.subarray(pos, nameEnd)).toString("latin1").toUpperCase()
    items.push({ name, start: pos, valueStart: nameEnd + 1, valueEnd: value.end, literal: value.literal })
    pos = value.end
  }
}

/** A literal holding `content`: `~{n}` for BINARY items (RFC 3516 literal8), `{n}` otherwise. */
export const literalValue = (name: string, content: Uint8Array): Array<Uint8Array> => [
  Buffer.from(`${name.startsWith("BINARY[") ? "~" : ""}{${content.length}}\r\n`, "latin1"),
  content
]

/**
 * The response with the values of some items replaced (`replace` by item index, whole value
 * bytes) and some items dropped (`drop`); what is not named is copied as it was.
 */
export const renderFetchResponse = (
  b: Uint8Array,
  response: FetchResponse,
  replace: ReadonlyMap<number, ReadonlyArray<Uint8Array>>,
  drop: ReadonlySet<number> = new Set()
): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  const first = response.items[0]?.start ?? response.close
  out.push(b.subarray(0, first))
  let written = 0
  response.items.forEach((item, i) => {
    if (drop.has(i)) return
    if (written > 0) out.push(Buffer.from(" ", "latin1"))
    written++
    const value = replace.get(i)
    if (value === undefined) {
      out.push(b.subarray(item.start, item.valueEnd))
      return
    }
    out.push(b.subarray(item.start, item.valueStart), ...value)
  })
  out.push(b.subarray(response.close))
  return out
}
