/**
 * `text_trailing_junk`: the last line of a text is one random string of letters and digits, such
 * as `4139vOLW7-758DoDY1425FRhM1-764SMFc8513fCsLl40` or `xay1992351y`: a bulk tool's tail, new for
 * every copy, so that no two copies have the same checksum (the plain-text twin of
 * `html_trailing_junk`). People end a message with a name, a signature or a sentence; a company's
 * order or ticket number comes after a label, or in capitals (`ORD-2026-ABC123`, `1Z999AA10123`).
 *
 * The line counts when it is 8 to 80 characters of letters, digits and hyphens with no blank, holds
 * a lower-case letter and a digit, alternates letters and digits at least twice (three runs or
 * more: `release-2`, `john1978` and `abc-123` never count) and is not all hex digits (hashes and
 * commit IDs that tools print).
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 111 spam of both
 * eras.
 *
 * @category constructors
 * @since 0.5.0
 */

/** Characters of a text's end read: the last line is in them. */
const TAIL = 2_000
const JUNK_LINE = /^[A-Za-z0-9-]{8,80}$/
const LOWER = /[a-z]/
const DIGIT = /\d/
const HEX_ONLY = /^[0-9a-f-]+$/i
/** Runs of letters or of digits: `xay1992351y` has three. */
const RUN = /[A-Za-z]+|\d+/g

/** The last line of `text` that holds more than blanks, trimmed ("" when none). */
const lastLine = (text: string): string => {
  const tail = text.length > TAIL ? text.slice(-TAIL) : text
  let end = tail.length
  while (end > 0) {
    const start = tail.lastIndexOf("\n", end - 1) + 1
    const line = tail.slice(start, end).trim()
    if (line.length > 0) return line
    // The line break before this line: the next line up ends there (a text may start with one).
    end = start - 1
  }
  return ""
}

/** Whether `line` is one random string of letters and digits (see the module's header). */
export const junkLine = (line: string): boolean => {
  if (!JUNK_LINE.test(line) || !LOWER.test(line) || !DIGIT.test(line) || HEX_ONLY.test(line)) return false
  let runs = 0
  RUN.lastIndex = 0
  while (RUN.exec(line) !== null) if (++runs >= 3) return true
  return false
}

/** Whether any of `texts` (a message's decoded texts) ends in a line of random letters and digits. */
export const textTrailingJunk = (texts: ReadonlyArray<string>): boolean => {
  for (const text of texts) if (typeof text === "string" && junkLine(lastLine(text))) return true
  return false
}
