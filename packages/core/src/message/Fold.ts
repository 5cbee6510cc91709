/**
 * Serialising one header field: CR, LF and NUL in the value become spaces (a value can never
 * start a new field), then the line is folded before whitespace so lines stay within
 * 78 columns where the value allows (RFC 5322 §2.1.1; a word longer than that stays whole).
 * Unfolding (removing the inserted line breaks) gives back the neutralised value exactly.
 *
 * @category internal
 * @since 0.1.0
 */
import { isWhitespace } from "./Whitespace.ts"

const FIELD_NAME = /^[!-9;-~]+$/

export const isFieldName = (name: string): boolean => FIELD_NAME.test(name)

export const neutralise = (value: string): string => value.replace(/[\r\n\0]/g, " ")

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09

/**
 * True when `text[from, to)` holds a character `String.prototype.trim` keeps: a word made only of
 * other whitespace (a no-break space, U+2028, ...) is no place to break before.
 */
const hasVisible = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (!isWhitespace(text.charCodeAt(i))) return true
  return false
}

/**
 * `Name: value` folded at `width` with `eol` line breaks, without a final line break.
 *
 * The value is read as pieces, each optional spaces or tabs then a word (or, at the end, spaces
 * alone); a line is broken before a piece that starts with a space or tab, has a visible word and
 * would pass `width`, unless the line holds only the name. The output is copied from the value in
 * runs between breaks: no string or match per piece (this runs for every prepended field of every
 * message handed off).
 */
export const fold = (name: string, value: string, eol: string, width = 78): string => {
  const head = `${name}:`
  const text = ` ${neutralise(value).trim()}`
  let out = head
  let lineLen = head.length
  // Start of the run of `text` not yet copied to `out`.
  let copied = 0
  let at = 0
  while (at < text.length) {
    const start = at
    while (at < text.length && isBlank(text.charCodeAt(at))) at++
    const word = at
    while (at < text.length && !isBlank(text.charCodeAt(at))) at++
    const length = at - start
    const breakable = word > start && lineLen > head.length && hasVisible(text, word, at)
    if (breakable && lineLen + length > width) {
      out += `${text.slice(copied, start)}${eol}`
      copied = start
      lineLen = 0
    }
    lineLen += length
  }
  return out + text.slice(copied)
}
