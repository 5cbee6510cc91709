/**
 * The addresses of a From field as mailauth's DKIM verifier reads them (nodemailer's address
 * parser over the field's text after its colon, decoded as UTF-8). The address parser builds a
 * token object and a string per character run, several kilobytes per field, so the usual shapes
 * are read directly (`simple`), and the others are remembered for the last fields seen: a
 * sender's messages carry the same From field.
 *
 * **Gotchas**
 * - `simple` answers only for the field shapes whose parse it is sure of: ASCII, one address,
 *   `local@domain` alone or in angle brackets after an optional display name (a quoted string
 *   without escapes, or plain words). Anything else (groups, comments, several addresses,
 *   escapes, other bytes) goes to the address parser. The test compares the two over generated
 *   fields of those shapes and near them.
 *
 * @category parsers
 * @since 0.1.0
 */
import { BoundedMemo } from "@mailmoat/core"
import * as Mailauth from "./Mailauth.ts"

/** A longer field is parsed every time: the memo holds at most `maxEntries` of this size. */
const MAX_KEPT_LENGTH = 512

/** The addresses of a From field given as its Latin-1 text (name, colon and value, rows joined by CRLF). */
export type FromAddresses = (field: string) => ReadonlyArray<string>

/** What the address parser gives for the field, every time (no memo). */
export const parseUncached: FromAddresses = (field) => {
  const line = Buffer.from(field, "latin1").toString()
  const colon = line.indexOf(":")
  const out: Array<string> = []
  for (const a of Mailauth.load().addressparser((colon >= 0 ? line.slice(colon + 1) : line).trim()))
    if (a?.address) out.push(a.address)
  return out
}

// The address parser drops CR, reads LF as a space and trims every token, so any run of these
// between tokens changes nothing; an ASCII field decodes to itself.
const WS = "[ \\t\\r\\n]*"
const ADDRESS = "[A-Za-z0-9._+=-]+@[A-Za-z0-9.-]+"
const WORDS = "[A-Za-z0-9._'-]+(?:[ \\t\\r\\n]+[A-Za-z0-9._'-]+)*"
const QUOTED = '"[ \\t!#-\\[\\]-~]*"'
const NAME = "[\\x00-\\x39\\x3b-\\x7f]*:"
const SIMPLE = new RegExp(`^${NAME}${WS}(?:(?:(?:${QUOTED}|${WORDS})${WS})?<(${ADDRESS})>|(${ADDRESS}))${WS}$`)

/** The one address of a field of a shape the address parser is known to read so; else undefined. */
export const simple = (field: string): string | undefined => {
  const m = SIMPLE.exec(field)
  return m === null ? undefined : (m[1] ?? m[2])
}

/** A parse that reads the simple shapes directly and keeps the last `maxEntries` other fields' addresses. */
export const make = (maxEntries: number): FromAddresses => {
  const remembered = BoundedMemo.make((field: string) => Object.freeze(parseUncached(field)), {
    maxEntries,
    keep: (field) => field.length <= MAX_KEPT_LENGTH,
    detach: BoundedMemo.detachText
  })
  return (field) => {
    const address = simple(field)
    return address === undefined ? remembered(field) : Object.freeze([address])
  }
}

/** The process's memo: a burst from one sender needs one entry; small, see `BoundedMemo`'s gotchas. */
export const parse: FromAddresses = make(64)
