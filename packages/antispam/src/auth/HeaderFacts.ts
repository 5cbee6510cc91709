/**
 * What sender authentication needs from a message's header block before asking mailauth: the
 * From addresses (as mailauth's DKIM verifier reads them, so DMARC's author domain is the same
 * one) and whether the message carries a `DKIM-Signature` or an `ARC-*` field.
 *
 * Fields are split as mailauth's `parseHeaders` splits them (the block cut at its first empty
 * line, trailing CR/LF dropped, rows split at LF or CRLF, a row starting with white space joined
 * to the field before it, the name everything before the first colon, trimmed), but by a scan of
 * the bytes: the names are compared in place, and only a From field's text is built and given
 * to mailauth's address parser (through `FromAddresses`, which remembers recent fields). A field
 * whose first row has no colon (its name would run into the next rows) is built whole, as
 * mailauth builds it.
 *
 * @category parsers
 * @since 0.1.0
 */
import * as FromAddresses from "./FromAddresses.ts"

export interface HeaderFacts {
  /** The addresses of every From field, as mailauth's DKIM verifier reads them. */
  readonly headerFrom: ReadonlyArray<string>
  /** The message has a `DKIM-Signature` field / an `ARC-*` field. */
  readonly dkim: boolean
  readonly arc: boolean
}

/** Where the header block ends: the first LF followed by LF or CRLF (mailauth's parser's rule). */
const headerEnd = (bytes: Uint8Array): number | undefined => {
  let i = bytes.indexOf(0x0a)
  while (i >= 0) {
    const next = bytes[i + 1]
    if (next === 0x0a) return i + 2
    if (next === 0x0d && bytes[i + 2] === 0x0a) return i + 3
    i = bytes.indexOf(0x0a, i + 1)
  }
  return undefined
}

/** What `/^\s/` matches at the start of a row decoded as Latin-1. */
const isSpace = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0)

/** The end of the row starting at `from` (before its CRLF or LF), within `end`. */
const rowEnd = (bytes: Buffer, from: number, end: number): number => {
  const lf = bytes.indexOf(0x0a, from)
  const stop = lf < 0 || lf >= end ? end : lf
  return stop > from && bytes[stop - 1] === 0x0d ? stop - 1 : stop
}

/** The field's rows joined with CRLF, as a Latin-1 string (what mailauth's parser builds). */
const joined = (bytes: Buffer, rows: ReadonlyArray<number>): string => {
  let text = ""
  for (let k = 0; k < rows.length; k += 2)
    text += (k > 0 ? "\r\n" : "") + bytes.toString("latin1", rows[k]!, rows[k + 1]!)
  return text
}

/** The field's name, lower-cased, as mailauth's parser gives it (undefined: none). */
const nameOf = (bytes: Buffer, rows: ReadonlyArray<number>): string | undefined => {
  const key = /^[^:]+/.exec(joined(bytes, rows))
  return key === null ? undefined : key[0].trim().toLowerCase()
}

/** `c` lower-cased as `toLowerCase` lower-cases it, for the ASCII letters the names compare. */
const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)

/** Whether `bytes[from, to)` is `name` (lower-case ASCII) up to case; `prefix`: only starts with it. */
const named = (bytes: Buffer, from: number, to: number, name: string, prefix: boolean): boolean => {
  if (prefix ? to - from < name.length : to - from !== name.length) return false
  for (let i = 0; i < name.length; i++) if (lower(bytes[from + i]!) !== name.charCodeAt(i)) return false
  return true
}

type Kind = "dkim" | "arc" | "from" | undefined

/** Which of the fields the check reads a name is (the name trimmed and lower-cased, as mailauth's). */
const kindOfName = (name: string | undefined): Kind =>
  name === "dkim-signature" ? "dkim" : name?.startsWith("arc-") ? "arc" : name === "from" ? "from" : undefined

/**
 * The field's kind. A first row with its colon (nearly every field) is read in place, its name
 * trimmed of what `trim` removes from Latin-1 text (`isSpace`), without making it a string.
 */
const kindOf = (bytes: Buffer, rows: ReadonlyArray<number>): Kind => {
  const start = rows[0]!
  const colon = bytes.indexOf(0x3a, start)
  if (colon < 0 || colon >= rows[1]!) return kindOfName(nameOf(bytes, rows))
  let from = start
  let to = colon
  while (from < to && isSpace(bytes[from])) from++
  while (to > from && isSpace(bytes[to - 1])) to--
  if (named(bytes, from, to, "dkim-signature", false)) return "dkim"
  if (named(bytes, from, to, "arc-", true)) return "arc"
  return named(bytes, from, to, "from", false) ? "from" : undefined
}

/** From addresses and which signatures the message carries; undefined when it has no header end. */
export const headerFacts = (message: Buffer): HeaderFacts | undefined => {
  let end = headerEnd(message)
  if (end === undefined) return undefined
  while (end > 0 && (message[end - 1] === 0x0a || message[end - 1] === 0x0d)) end--
  const headerFrom: Array<string> = []
  let dkim = false
  let arc = false
  // One field at a time: [start, end) of each of its rows (one array, refilled for each field).
  const rows: Array<number> = []
  const field = () => {
    const kind = kindOf(message, rows)
    if (kind === "dkim") dkim = true
    else if (kind === "arc") arc = true
    else if (kind === "from") for (const address of FromAddresses.parse(joined(message, rows))) headerFrom.push(address)
  }
  let at = 0
  for (;;) {
    const stop = rowEnd(message, at, end)
    if (rows.length > 0 && stop > at && isSpace(message[at])) rows.push(at, stop)
    else {
      if (rows.length > 0) field()
      rows.length = 0
      rows.push(at, stop)
    }
    if (stop >= end) break
    at = message[stop] === 0x0d ? stop + 2 : stop + 1
  }
  field()
  return { headerFrom, dkim, arc }
}
