/**
 * `mime_mixed_single`: a message whose top-level type is multipart/mixed holding one part only, a
 * text/plain one: a container for parts to be read together (RFC 2046 section 5.1.3) wrapped round
 * a single text, with nothing to mix. A mail program writes multipart/mixed when the writer
 * attaches something, and a plain text alone as text/plain; a bulk tool's template keeps the
 * wrapper it was built with, as `mime_alternative_single` reads for multipart/alternative.
 *
 * Counted on the corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham, 40 spam of both eras,
 * under Outlook's, Outlook Express's, AOL's, The Bat!'s and web-mail programs' names and bulk
 * tools'; the same wrapper round one HTML part is 2 ham (two newsletters of hard_ham) and 38 spam,
 * and is not counted (docs/classifier.md, round 60).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { MimePart } from "@mailmoat/core"
import { typeOf } from "./ShownText.ts"

const childrenOf = (part: MimePart): ReadonlyArray<MimePart> => (Array.isArray(part.children) ? part.children : [])

/** Whether `mime` (a message's root part) is a multipart/mixed of one text/plain part that is no attachment. */
export const mixedSingleText = (mime: MimePart): boolean => {
  if (typeOf(mime) !== "multipart/mixed") return false
  const children = childrenOf(mime)
  if (children.length !== 1) return false
  const only = children[0]!
  return typeOf(only) === "text/plain" && childrenOf(only).length === 0 && only.disposition !== "attachment"
}
