/**
 * `mime_qp_unencoded`: a part labelled quoted-printable whose text was never encoded. RFC 2045
 * section 6.7 (rule 5) keeps every encoded line to 76 characters and has an encoder break a
 * longer one with a soft line break (`=` at the line's end); every mail program does. A part with
 * a line over 76 characters and not one soft break is raw text under the label: a bulk tool that
 * writes the header from a template and pastes its text as it is. It reads the encoding only, no
 * word.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 36 spam of both
 * eras, 12 of them missed by the shipped model on its features alone. Ham newsletters whose lines
 * run past 76 (twelve) all break them somewhere (`bench/classifier-body27-candidates.mjs`).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { MimePart } from "@mailmoat/core"
import { someQpBody } from "./QpLeaves.ts"

/** RFC 2045's limit on an encoded line, without its CRLF. */
const MAX_LINE = 76

const LF = 10
const CR = 13
const EQUALS = 61

/**
 * Whether `bytes[from, to)` holds a line longer than 76 characters (a CR before its LF not
 * counted) and no soft line break (`=` ending a line); `bytes[from]` starts a line.
 */
export const unencodedText = (bytes: Uint8Array, from: number, to: number): boolean => {
  let long = false
  let line = 0
  for (let i = Math.max(0, from); i < to && i < bytes.length; i++) {
    const b = bytes[i]!
    if (b === LF) {
      const before = i > from && bytes[i - 1] === CR ? i - 1 : i
      if (before > from && bytes[before - 1] === EQUALS) return false
      line = 0
      continue
    }
    if (b !== CR && ++line > MAX_LINE) long = true
  }
  // The part's last line: a soft break there ends the body with `=`.
  return long && !(to > from && bytes[Math.min(to, bytes.length) - 1] === EQUALS)
}

/** Whether a quoted-printable leaf of `root` (its bytes in `view`, the message's scan view) is unencoded text. */
export const qpUnencoded = (root: MimePart, view: Uint8Array): boolean => someQpBody(root, view, unencodedText)
