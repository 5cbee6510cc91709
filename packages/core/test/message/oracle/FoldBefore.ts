// Fold.ts's `fold` as it was before it copied the value in runs between breaks (a regular
// expression's match per piece before): the oracle Fold.test.ts compares `fold` with. Kept verbatim.
const neutralise = (value: string): string => value.replace(/[\r\n\0]/g, " ")

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
