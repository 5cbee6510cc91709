/**
 * Looks at a header block's field names in its bytes, without decoding the block to a string:
 * enough to tell that an edit would leave the client's fields as they are (no field to remove is
 * there), which lets the hand-off stream the block's bytes unchanged.
 *
 * A field name is what `MessageModel.HeaderEdit` takes for one: the bytes of a line that does not
 * start with white space, up to its first colon, without trailing spaces or tabs, compared
 * ASCII-case-insensitively. Names asked for are field names (visible ASCII, no colon), so a match
 * means the editor would see that field too.
 *
 * @category models
 * @since 0.1.0
 */

const LF = 0x0a
const CR = 0x0d
const COLON = 0x3a
const SP = 0x20
const HTAB = 0x09

/** True when a field of the block is named one of `names` (lower-case ASCII). */
export const hasFieldNamed = (block: Uint8Array, names: ReadonlyArray<string>): boolean => {
  for (let start = 0; start < block.length; ) {
    const lf = block.indexOf(LF, start)
    const end = lf === -1 ? block.length : lf
    const first = block[start]
    if (first !== SP && first !== HTAB && first !== CR && start < end) {
      const colon = block.indexOf(COLON, start)
      if (colon !== -1 && colon < end) {
        let nameEnd = colon
        while (nameEnd > start && (block[nameEnd - 1] === SP || block[nameEnd - 1] === HTAB)) nameEnd--
        for (const name of names) if (sameName(block, start, nameEnd, name)) return true
      }
    }
    if (lf === -1) break
    start = lf + 1
  }
  return false
}

/** The bytes from `start` to `end` spell `name` (lower-case ASCII), ASCII letters in any case. */
const sameName = (block: Uint8Array, start: number, end: number, name: string): boolean => {
  if (end - start !== name.length) return false
  for (let i = 0; i < name.length; i++) {
    const c = block[start + i]!
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name.charCodeAt(i)) return false
  }
  return true
}

/**
 * True when the block's lines end in CRLF and it does not start with a continuation line: the
 * editor would then give back its bytes unchanged when it removes nothing and adds nothing.
 */
export const isPlainCrlfBlock = (block: Uint8Array): boolean => {
  if (block.length === 0) return true
  if (block[0] === SP || block[0] === HTAB) return false
  const lf = block.indexOf(LF)
  return lf > 0 && block[lf - 1] === CR
}
