// HeaderBlock.ts as it was before parseFields stopped slicing every line and trimming a copy: the
// oracle HeaderFields.test.ts compares parseFields with. Kept verbatim.
import type { Header } from "../../../src/MessageTypes.ts"

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
export const nameEnd = (line: string): number => {
  const colon = line.indexOf(":")
  if (colon <= 0) return -1
  let end = colon
  while (end > 0 && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--
  if (end === 0) return -1
  for (let i = 0; i < end; i++) if (!isNameChar(line.charCodeAt(i))) return -1
  return colon
}

const isWsp = (c: number): boolean => c === 0x20 || c === 0x09

/** Removes the line breaks of folding (split/join: a regex replace is ~3x slower with many folds). */
const unfold = (raw: string): string => {
  if (!raw.includes("\n")) return raw
  const crlf = raw.includes("\r\n") ? raw.split("\r\n").join("") : raw
  return crlf.includes("\n") ? crlf.split("\n").join("") : crlf
}

/** Parses a header block (text, any line ends) into unfolded fields, stopping at an empty line. */
export const parseFields = (text: string): Array<Header> => {
  const out: Array<Header> = []
  // The current field is kept as a range and unfolded with one native replace when it ends,
  // so a field folded over millions of lines costs no per-line string building.
  let name: string | undefined
  let valueStart = 0
  let fieldEnd = 0
  const flush = () => {
    if (name !== undefined) out.push({ name, value: unfold(text.slice(valueStart, fieldEnd)).trim() })
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
      if (!dropping && name !== undefined) fieldEnd = lineEnd
      pos = nl + 1
      continue
    }
    flush()
    const line = text.slice(pos, lineEnd)
    const colon = nameEnd(line)
    if (colon < 0) dropping = true
    else {
      dropping = false
      name = line.slice(0, colon).trimEnd()
      valueStart = pos + colon + 1
      fieldEnd = lineEnd
    }
    pos = nl + 1
  }
  flush()
  return out
}
