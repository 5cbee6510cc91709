/**
 * `mime_qp_needless_escape`: a quoted-printable part escapes, inside its lines, punctuation that
 * never needs it (`www=2Emydebtsite=2Ecom`, `=3C=2FFONT=3E`). RFC 2045 section 6.7 has an encoder
 * escape `=` itself, bytes outside ASCII, white space before a line end and, to be safe, a few
 * characters some gateways change (`!"#$@[\]^`{|}~`); mail programs also escape a dot or an `F` that
 * starts a line (SMTP's end of data, mbox's `From `). No encoder escapes `, . / : ; < > ? _` in the
 * middle of a line: a bulk tool that does is hiding the text, its links and tags from filters that
 * read the raw bytes. It reads the encoding only, no word.
 *
 * Counts three or more such escapes in capital hex (what RFC 2045 requires), each after another
 * character of its line: a part labelled quoted-printable whose text was never encoded holds raw
 * `=` before numbers (`width=50`, `id=7848`), which are no escape of these characters.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham (none has even one),
 * 32 spam of both eras, 21 of them missed by round 26's model on its features alone
 * (`bench/classifier-body-candidates.mjs`).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { MimePart } from "@mailmoat/core"
import { someQpBody } from "./QpLeaves.ts"

/** Escapes that decide: a part's first lines show the encoder's habit. */
const ENOUGH = 3

const LF = 10
const EQUALS = 61

/**
 * Whether the escape `=XY` (`hi`, `lo`: the two bytes after `=`) is one of `, . / : ; < > ? _` in
 * capital hex: `=2C`, `=2E`, `=2F`, `=3A`, `=3B`, `=3C`, `=3E`, `=3F`, `=5F`.
 */
export const needlessEscape = (hi: number, lo: number): boolean => {
  if (hi === 50) return lo === 67 || lo === 69 || lo === 70 // 2C 2E 2F
  if (hi === 51) return lo === 65 || lo === 66 || lo === 67 || lo === 69 || lo === 70 // 3A 3B 3C 3E 3F
  return hi === 53 && lo === 70 // 5F
}

/**
 * How many needless escapes (see `needlessEscape`) `bytes[from, to)` holds after another character
 * of their line, counted up to `ENOUGH`; `bytes[from]` is taken to start a line.
 */
export const needlessEscapes = (bytes: Uint8Array, from: number, to: number): number => {
  let n = 0
  // From the second byte: the first starts a line (the body's, or the caller's range's).
  for (let i = from + 1; i + 2 < to; i++)
    if (bytes[i] === EQUALS && bytes[i - 1] !== LF && needlessEscape(bytes[i + 1]!, bytes[i + 2]!) && ++n >= ENOUGH)
      return n
  return n
}

/**
 * Whether a quoted-printable leaf of `root` (its bytes in `view`, the message's scan view) holds
 * `ENOUGH` needless escapes.
 */
export const qpNeedlessEscape = (root: MimePart, view: Uint8Array): boolean =>
  someQpBody(root, view, (bytes, from, to) => needlessEscapes(bytes, from, to) >= ENOUGH)
