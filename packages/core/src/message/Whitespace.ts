/**
 * What JavaScript counts as white space (`\s` in a regular expression, what
 * `String.prototype.trim` removes), tested one UTF-16 code unit at a time, so scans can trim or
 * fold text by index and make one string at the end instead of one per step.
 *
 * @category internal
 * @since 0.1.0
 */

/** Whether code unit `c` is white space or a line terminator (ECMA-262 WhiteSpace, LineTerminator). */
export const isWhitespace = (c: number): boolean =>
  c === 0x20 ||
  (c >= 0x09 && c <= 0x0d) ||
  (c >= 0xa0 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff))

/** `s.slice(start, end).trim()`, slicing once. */
export const trimmedSlice = (s: string, start: number, end: number): string => {
  while (start < end && isWhitespace(s.charCodeAt(start))) start++
  while (end > start && isWhitespace(s.charCodeAt(end - 1))) end--
  return s.slice(start, end)
}
