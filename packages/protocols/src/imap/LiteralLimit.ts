/**
 * The proxy's own check of client literals (client -> server), before the server sees them:
 *
 * - a marker whose size is not a plain decimal number, or longer than RFC 9051 allows
 *   (`number64` for literal8, 2^32-1 otherwise), e.g. `{-1}`, `{abc}`, `{99999999999999999999}`:
 *   `bad`;
 * - a well-formed marker above the configured `maxLiteralBytes`: `toobig` (answered
 *   `NO [TOOBIG]`, RFC 7889 §4) when it is synchronising (`{n}`: the client waits for `+`, so
 *   refusing costs nothing), `close` when it is non-synchronising (`{n+}`: the octets are already
 *   on their way and could only be skipped blindly or read as commands, RFC 7888 §4).
 *
 * A line that does not end in `{...}` CRLF is no literal and passes (`ok`).
 *
 * @category models
 * @since 0.1.0
 */
import { type LiteralMarker, markerAtEnd } from "./Literal.ts"

export type LiteralCheck =
  | { readonly _tag: "none" }
  | { readonly _tag: "ok"; readonly marker: LiteralMarker }
  | { readonly _tag: "bad"; readonly text: string }
  | { readonly _tag: "toobig"; readonly size: number }
  | { readonly _tag: "close"; readonly size: number }

const CR = 0x0d
const LF = 0x0a
const OPEN = 0x7b
const CLOSE = 0x7d
/** RFC 9051 `number` (a literal's size) is at most 2^32-1; literal8 (RFC 3516) may use number64. */
const MAX_SIZE = 4294967295
const MAX_SIZE_8 = Number.MAX_SAFE_INTEGER
/** How far back from the line end an opening brace is looked for. */
const MAX_INSIDE = 40

/** The text between `{` and `}` when `line` ends with `{...}` CRLF (no brace inside). */
const bracedTail = (line: Uint8Array): string | undefined => {
  const n = line.length
  if (n < 4 || line[n - 1] !== LF || line[n - 2] !== CR || line[n - 3] !== CLOSE) return undefined
  for (let i = n - 4; i >= 0 && i >= n - 4 - MAX_INSIDE; i--) {
    if (line[i] === CLOSE) return undefined
    if (line[i] === OPEN) return Buffer.from(line.subarray(i + 1, n - 3)).toString("latin1")
  }
  return undefined
}

export const checkLiteral = (line: Uint8Array, maxLiteralBytes: number): LiteralCheck => {
  const marker = markerAtEnd(line)
  if (marker === undefined) {
    const inside = bracedTail(line)
    if (inside === undefined) return { _tag: "none" }
    return { _tag: "bad", text: `invalid literal size {${inside.replace(/[^\x20-\x7e]/g, "?")}}` }
  }
  if (marker.size > (marker.literal8 ? MAX_SIZE_8 : MAX_SIZE))
    return { _tag: "bad", text: `literal size ${marker.size} is above the protocol's limit` }
  if (marker.size > maxLiteralBytes)
    return marker.nonSync ? { _tag: "close", size: marker.size } : { _tag: "toobig", size: marker.size }
  return { _tag: "ok", marker }
}
