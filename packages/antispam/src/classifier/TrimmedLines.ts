/**
 * The line walk the text traits share: each line of a text that is not blank, trimmed of white
 * space at both ends, given as the range `[from, to)` of the text.
 *
 * @category constructors
 * @since 0.5.0
 */
import { MessageModel } from "@mailmoat/core"

/** White space as `trim` removes it (core's test, shared by its scans). */
const { isWhitespace } = MessageModel

/**
 * Calls `visit` with each non-blank line of `text`, trimmed, in order. A boolean `visit` returns
 * ends the walk and is the answer (a trait decided early reads no further); `undefined` goes on.
 * A walk that reaches the text's end answers `false`.
 */
export const someTrimmedLine = (text: string, visit: (from: number, to: number) => boolean | undefined): boolean => {
  let start = 0
  while (start < text.length) {
    const nl = text.indexOf("\n", start)
    const end = nl < 0 ? text.length : nl
    let from = start
    let to = end
    while (from < to && isWhitespace(text.charCodeAt(from))) from++
    while (to > from && isWhitespace(text.charCodeAt(to - 1))) to--
    if (to > from) {
      const answer = visit(from, to)
      if (answer !== undefined) return answer
    }
    start = end + 1
  }
  return false
}
