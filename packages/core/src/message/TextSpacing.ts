/**
 * The spacing of text reduced from HTML, in one pass: zero-width characters (used to split words
 * past filters) are dropped; every run of blanks (space, tab, CR, form feed, vertical tab, no-break
 * space) and line feeds becomes one line feed when it holds one, else one space; the ends are
 * trimmed. It gives what these replaces in a row give, without their intermediate strings:
 *
 * `.replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "").replace(/[ \t\r\f\v\u00a0]+/g, " ")
 *  .replace(/ ?\n ?/g, "\n").replace(/\n+/g, "\n").trim()`
 *
 * @category parsers
 * @since 0.1.0
 */

const NONE = 0
const BLANK = 1
const LINE = 2
const ZERO_WIDTH = 3

const kindOf = (c: number): number => {
  if (c > 0x20 && c < 0xa0) return NONE
  if (c === 0x0a) return LINE
  if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0c || c === 0x0b || c === 0xa0) return BLANK
  if (c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff) return ZERO_WIDTH
  return NONE
}

/**
 * See the module comment. Never throws; linear in the input. Text is cut only around a run that
 * changes (a lone space, the commonest run, stays where it is), so mostly-spaced text is copied
 * in a few long pieces instead of one per word.
 */
export const tidy = (s: string): string => {
  const n = s.length
  let out = ""
  let from = 0 // start of the text not yet copied
  let i = 0
  while (i < n) {
    if (kindOf(s.charCodeAt(i)) === NONE) {
      i++
      continue
    }
    // The run of blanks, line feeds and zero-width characters at i, and what it becomes.
    let gap = NONE
    let j = i
    for (; j < n; j++) {
      const kind = kindOf(s.charCodeAt(j))
      if (kind === NONE) break
      if (kind === LINE) gap = LINE
      else if (kind === BLANK && gap === NONE) gap = BLANK
    }
    if (j - i !== 1 || s.charCodeAt(i) !== 0x20) {
      if (from < i) out += s.slice(from, i)
      // A run at the end is dropped; one at the start goes with the final trim.
      if (j < n && gap !== NONE) out += gap === LINE ? "\n" : " "
      from = j
    }
    i = j
  }
  if (from === 0) return s.trim()
  if (from < n) out += s.slice(from)
  return out.trim()
}
