/**
 * Splits a multipart body (RFC 2046 §5.1.1) into part ranges over a binary string.
 *
 * A delimiter is `--boundary` at the start of a line, optionally followed by `--` (close) and
 * transport padding, then the line end. The line break before a delimiter belongs to it. The
 * preamble and epilogue are skipped; a missing close delimiter ends the last part at the end of
 * the range (truncated scan views, broken senders). Linear: every `indexOf` hit is checked in
 * O(1) and the search never moves backwards.
 *
 * @category internal
 * @since 0.1.0
 */

export interface Split {
  readonly ranges: ReadonlyArray<readonly [number, number]>
  /** True when more parts followed than `maxParts` allowed. */
  readonly truncated: boolean
}

const lineBreakBefore = (s: string, k: number, floor: number): number => {
  if (k - 2 >= floor && s.charCodeAt(k - 2) === 0x0d && s.charCodeAt(k - 1) === 0x0a) return k - 2
  if (k - 1 >= floor && s.charCodeAt(k - 1) === 0x0a) return k - 1
  return k
}

/** Part ranges of the body `[start, end)` of `s` delimited by `boundary`, at most `maxParts`. */
export const split = (s: string, start: number, end: number, boundary: string, maxParts: number): Split => {
  const ranges: Array<readonly [number, number]> = []
  const delim = `--${boundary}`
  let partStart = -1
  let pos = start
  while (pos < end) {
    const k = s.indexOf(delim, pos)
    if (k < 0 || k + delim.length > end) break
    pos = k + 1
    if (k !== start && s.charCodeAt(k - 1) !== 0x0a) continue
    const after = k + delim.length
    const closing = after + 1 < end && s.charCodeAt(after) === 0x2d && s.charCodeAt(after + 1) === 0x2d
    let j = closing ? after + 2 : after
    while (j < end && (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09)) j++
    let lineEnd: number
    if (j >= end) lineEnd = end
    else if (s.charCodeAt(j) === 0x0a) lineEnd = j + 1
    else if (s.charCodeAt(j) === 0x0d && j + 1 < end && s.charCodeAt(j + 1) === 0x0a) lineEnd = j + 2
    else continue // `--boundaryX`: text that merely starts with the boundary
    if (partStart >= 0) ranges.push([partStart, Math.max(partStart, lineBreakBefore(s, k, partStart))])
    if (closing) return { ranges, truncated: false }
    if (ranges.length >= maxParts) return { ranges, truncated: true }
    partStart = lineEnd
    pos = lineEnd
  }
  if (partStart >= 0) {
    if (ranges.length >= maxParts) return { ranges, truncated: true }
    ranges.push([partStart, end])
  }
  return { ranges, truncated: false }
}
