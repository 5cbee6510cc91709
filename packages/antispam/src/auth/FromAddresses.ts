/**
 * The addresses of a From field as mailauth's DKIM verifier reads them (nodemailer's address
 * parser over the field's text after its colon, decoded as UTF-8), remembered for the last
 * fields seen: a sender's messages carry the same From field, and the address parser builds a
 * token object per character run, several kilobytes per field, to give the same addresses.
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

/** A parse that keeps the last `maxEntries` fields' addresses (the oldest dropped first). */
export const make = (maxEntries: number): FromAddresses =>
  BoundedMemo.make((field: string) => Object.freeze(parseUncached(field)), {
    maxEntries,
    keep: (field) => field.length <= MAX_KEPT_LENGTH,
    detach: BoundedMemo.detachText
  })

/** The process's memo: a burst from one sender needs one entry; small, see `BoundedMemo`'s gotchas. */
export const parse: FromAddresses = make(64)
