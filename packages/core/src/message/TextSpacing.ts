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

/** See the module comment. Never throws; linear in the input. */
export const tidy = (s: string): string => {
  let out = ""
  let from = 0 // start of the text not yet copied
  let gap = NONE // the pending run: NONE, BLANK or LINE
  for (let i = 0; i < s.length; i++) {
    const kind = kindOf(s.charCodeAt(i))
    if (kind === NONE) {
      if (gap !== NONE) {
        out += gap === LINE ? "\n" : " "
        gap = NONE
      }
      continue
    }
    if (from < i) out += s.slice(from, i)
    from = i + 1
    if (kind === LINE) gap = LINE
    else if (kind === BLANK && gap === NONE) gap = BLANK
  }
  if (from === 0) return s.trim()
  if (from < s.length) out += s.slice(from)
  return out.trim()
}
