/**
 * The quoted-printable leaves of a message, read from the raw bytes of the scan view: what the
 * encoding traits (`QpNeedlessEscape.ts`, `QpUnencoded.ts`) test, before any decoding.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { MimePart } from "@mailmoat/core"

/** Bytes of the scan view read in all: past this a bulk tool's habit has shown itself. */
const MAX_BYTES = 200_000
const MAX_PARTS = 200
const QUOTED_PRINTABLE = /quoted-printable/i

const LF = 10

/** Where the part's body starts in `bytes[start, end)`: after its first empty line (LF or CRLF); `end` when none. */
const bodyStart = (bytes: Uint8Array, start: number, end: number): number => {
  for (let i = start; i + 1 < end; i++) {
    if (bytes[i] !== LF) continue
    if (bytes[i + 1] === LF) return i + 2
    if (bytes[i + 1] === 13 && i + 2 < end && bytes[i + 2] === LF) return i + 3
  }
  return end
}

/**
 * Whether `test(view, from, to)` holds for the raw body `view[from, to)` of a quoted-printable
 * leaf of `root` (its bytes in `view`, the message's scan view); at most 200 KB read in all.
 */
export const someQpBody = (
  root: MimePart,
  view: Uint8Array,
  test: (view: Uint8Array, from: number, to: number) => boolean
): boolean => {
  let budget = MAX_BYTES
  let parts = 0
  const stack: Array<MimePart> = [root]
  while (stack.length > 0 && parts++ < MAX_PARTS && budget > 0) {
    const part = stack.pop()!
    const children = Array.isArray(part.children) ? part.children : []
    if (children.length > 0) {
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
      continue
    }
    if (!QUOTED_PRINTABLE.test(part.transferEncoding ?? "")) continue
    const end = Math.min(part.end, view.length)
    const from = bodyStart(view, Math.max(0, part.start), end)
    const to = Math.min(end, from + budget)
    budget -= to - from
    if (test(view, from, to)) return true
  }
  return false
}
