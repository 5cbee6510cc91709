/**
 * Header block boundaries and field parsing (RFC 5322 §2.2), tolerant of bare LF.
 *
 * One canonical reading, shared by the scanner and by `HeaderEdit`:
 * - the block ends at the first empty line (`\r\n\r\n` or `\n\n`); a whitespace-only line is a
 *   continuation (obs-FWS), not the end;
 * - a line starting with SP/HT continues the previous field; one before any field is dropped;
 * - a line without a colon, or whose name is not printable ASCII (e.g. an mbox `From ` line), is
 *   dropped together with its continuations;
 * - whitespace between name and colon (`From :`) is ignored, so `From :` is a `From` field.
 *
 * @category internal
 * @since 0.1.0
 */
import type { Header } from "../MessageTypes.ts"
import { trimmedSlice } from "./Whitespace.ts"

/** Offset just after the blank line ending the header block, or undefined when there is none. */
export const blockEnd = (bytes: Uint8Array): number | undefined => {
  if (bytes[0] === 0x0a) return 1
  if (bytes[0] === 0x0d && bytes[1] === 0x0a) return 2
  let i = bytes.indexOf(0x0a)
  while (i >= 0) {
    const a = bytes[i + 1]
    if (a === 0x0a) return i + 2
    if (a === 0x0d && bytes[i + 2] === 0x0a) return i + 3
    i = bytes.indexOf(0x0a, i + 1)
  }
  return undefined
}

/** Same as `blockEnd` over a binary string range; returns `end` when there is no blank line. */
export const blockEndIn = (s: string, start: number, end: number): number => {
  if (start >= end) return end
  if (s.charCodeAt(start) === 0x0a) return start + 1
  if (s.charCodeAt(start) === 0x0d && s.charCodeAt(start + 1) === 0x0a && start + 1 < end) return start + 2
  let i = s.indexOf("\n", start)
  while (i >= 0 && i < end) {
    const a = s.charCodeAt(i + 1)
    if (a === 0x0a && i + 1 < end) return i + 2
    if (a === 0x0d && s.charCodeAt(i + 2) === 0x0a && i + 2 < end) return i + 3
    i = s.indexOf("\n", i + 1)
  }
  return end
}

const isNameChar = (c: number): boolean => c >= 33 && c <= 126 && c !== 58

/** Index of the colon ending a valid field name in `line`, or -1. */
export const nameEnd = (line: string): number => nameEndIn(line, 0, line.length)

/** `nameEnd` of the line `text[start, end)`, as an index into `text`. */
const nameEndIn = (text: string, start: number, end: number): number => {
  let colon = start
  while (colon < end && text.charCodeAt(colon) !== 0x3a) colon++
  if (colon === end || colon === start) return -1
  let last = colon
  while (last > start && (text.charCodeAt(last - 1) === 0x20 || text.charCodeAt(last - 1) === 0x09)) last--
  if (last === start) return -1
  for (let i = start; i < last; i++) if (!isNameChar(text.charCodeAt(i))) return -1
  return colon
}

const isWsp = (c: number): boolean => c === 0x20 || c === 0x09

/** `unfold` by split/join, for fields of many folds (linear in the text, a regex is ~3x slower). */
const unfoldMany = (raw: string): string => {
  const crlf = raw.includes("\r\n") ? raw.split("\r\n").join("") : raw
  return crlf.includes("\n") ? crlf.split("\n").join("") : crlf
}

// Up to this many folds a field is joined piece by piece; past it, by split/join (a chain of
// millions of appended pieces costs ~4x more to flatten than one join).
const FEW_FOLDS = 32

/**
 * Removes the line breaks of folding: every LF and the CR right before it (what removing every
 * CRLF and then every LF leaves). A field of a few folds is appended piece by piece: no arrays
 * of pieces and no second pass for bare LFs.
 */
const unfold = (raw: string): string => {
  let lf = raw.indexOf("\n")
  if (lf < 0) return raw
  let out = ""
  let start = 0
  for (let folds = 0; lf >= 0; folds++) {
    if (folds === FEW_FOLDS) return unfoldMany(raw)
    out += raw.slice(start, lf > start && raw.charCodeAt(lf - 1) === 0x0d ? lf - 1 : lf)
    start = lf + 1
    lf = raw.indexOf("\n", start)
  }
  return out + raw.slice(start)
}

/** Parses a header block (text, any line ends) into unfolded fields, stopping at an empty line. */
export const parseFields = (text: string): Array<Header> => {
  const out: Array<Header> = []
  // The current field is kept as a range and unfolded with one native replace when it ends,
  // so a field folded over millions of lines costs no per-line string building.
  let name: string | undefined
  let valueStart = 0
  let fieldEnd = 0
  let folded = false
  const flush = () => {
    if (name !== undefined)
      out.push({
        name,
        value: folded ? unfold(text.slice(valueStart, fieldEnd)).trim() : trimmedSlice(text, valueStart, fieldEnd)
      })
    name = undefined
  }
  let dropping = false
  let pos = 0
  while (pos < text.length) {
    let nl = text.indexOf("\n", pos)
    if (nl < 0) nl = text.length
    const lineEnd = nl > pos && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl
    if (lineEnd === pos) break
    if (isWsp(text.charCodeAt(pos))) {
      if (!dropping && name !== undefined) {
        fieldEnd = lineEnd
        folded = true
      }
      pos = nl + 1
      continue
    }
    flush()
    const colon = nameEndIn(text, pos, lineEnd)
    if (colon < 0) dropping = true
    else {
      dropping = false
      // The name without the blanks before its colon (nameEndIn allows only SP and HT there).
      let last = colon
      while (text.charCodeAt(last - 1) === 0x20 || text.charCodeAt(last - 1) === 0x09) last--
      name = text.slice(pos, last)
      valueStart = colon + 1
      fieldEnd = lineEnd
      folded = false
    }
    pos = nl + 1
  }
  flush()
  return out
}
