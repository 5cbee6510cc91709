/**
 * IMAP literal markers at the end of a line: `{n}` (synchronising), `{n+}` / `{n-}`-less
 * non-synchronising (RFC 7888 LITERAL+), and `~{n}` literal8 (RFC 3516 BINARY), each followed by
 * CRLF and then exactly n octets.
 *
 * **Gotchas**
 * - Only a marker directly followed by CRLF counts: `{5}` elsewhere on a line is text. A bare LF is
 *   not accepted, so we never see a literal where a strict peer sees none.
 * - Sizes are bounded to 15 decimal digits (far above RFC 9051's 2^32-1 and literal8's practical
 *   range) so the number is always exact; a longer digit run is not a literal.
 *
 * @category models
 * @since 0.1.0
 */

export interface LiteralMarker {
  /** Octets that follow the marker's CRLF. */
  readonly size: number
  /** `{n+}`: the peer sends the octets without waiting for a continuation. */
  readonly nonSync: boolean
  /** `~{n}`: literal8, may carry NUL. */
  readonly literal8: boolean
  /** Length of the marker in bytes, `~` and CRLF included. */
  readonly length: number
}

const CR = 0x0d
const LF = 0x0a
const OPEN = 0x7b
const CLOSE = 0x7d
const PLUS = 0x2b
const TILDE = 0x7e
const MAX_DIGITS = 15

/** Longest possible marker: `~{` + 15 digits + `+}` + CRLF. */
export const MAX_MARKER_LENGTH = 2 + MAX_DIGITS + 2 + 2

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39

/** The marker that ends `line` (which must end with LF), if any. */
export const markerAtEnd = (line: Uint8Array): LiteralMarker | undefined => {
  const n = line.length
  if (n < 5 || line[n - 1] !== LF || line[n - 2] !== CR || line[n - 3] !== CLOSE) return undefined
  let i = n - 4
  const nonSync = line[i] === PLUS
  if (nonSync) i--
  const digitsEnd = i
  while (i >= 0 && isDigit(line[i])) i--
  const digits = digitsEnd - i
  if (digits === 0 || digits > MAX_DIGITS || i < 0 || line[i] !== OPEN) return undefined
  let size = 0
  for (let k = i + 1; k <= digitsEnd; k++) size = size * 10 + (line[k]! - 0x30)
  const literal8 = i > 0 && line[i - 1] === TILDE
  const start = literal8 ? i - 1 : i
  return { size, nonSync, literal8, length: n - start }
}

/**
 * How many trailing bytes of a line fragment (no LF yet) could still become the start of a marker;
 * those bytes are held back so a marker is never split between two emitted pieces.
 */
export const pendingMarkerLength = (fragment: Uint8Array): number => {
  const n = fragment.length
  if (n > 0 && fragment[n - 1] === TILDE) return 1
  let i = n - 1
  if (i >= 0 && fragment[i] === CR) i--
  if (i >= 0 && fragment[i] === CLOSE) i--
  if (i >= 0 && fragment[i] === PLUS) i--
  const digitsEnd = i
  while (i >= 0 && isDigit(fragment[i])) i--
  if (digitsEnd - i > MAX_DIGITS || i < 0 || fragment[i] !== OPEN) return 0
  if (i > 0 && fragment[i - 1] === TILDE) i--
  return n - i
}

/** The bytes of a marker for `size` octets, in the same form as `like`. */
export const formatMarker = (size: number, like: Pick<LiteralMarker, "nonSync" | "literal8">): Uint8Array =>
  Buffer.from(`${like.literal8 ? "~" : ""}{${size}${like.nonSync ? "+" : ""}}\r\n`, "latin1")
