/**
 * Serialising one header field: CR, LF and NUL in the value become spaces (a value can never
 * start a new field), then the line is folded before whitespace so lines stay within
 * 78 columns where the value allows (RFC 5322 §2.1.1; a word longer than that stays whole).
 * Unfolding (removing the inserted line breaks) gives back the neutralised value exactly.
 *
 * @category internal
 * @since 0.1.0
 */

const FIELD_NAME = /^[!-9;-~]+$/

export const isFieldName = (name: string): boolean => FIELD_NAME.test(name)

export const neutralise = (value: string): string => value.replace(/[\r\n\0]/g, " ")

// Each piece is optional whitespace then a word: disjoint classes, no backtracking.
const PIECE = /[ \t]*[^ \t]+|[ \t]+/g

/** `Name: value` folded at `width` with `eol` line breaks, without a final line break. */
export const fold = (name: string, value: string, eol: string, width = 78): string => {
  const head = `${name}:`
  let out = head
  let lineLen = head.length
  const text = ` ${neutralise(value).trim()}`
  PIECE.lastIndex = 0
  for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) {
    const piece = m[0]
    const c = piece.charCodeAt(0)
    const breakable = (c === 0x20 || c === 0x09) && piece.trim() !== "" && lineLen > head.length
    if (breakable && lineLen + piece.length > width) {
      out += eol
      lineLen = 0
    }
    out += piece
    lineLen += piece.length
  }
  return out
}
