/**
 * `text_plain_html_document`: a text/plain part that holds a whole HTML document, `<html ...>` to
 * `</html>`, in a message where `text_plain_markup` (five layout tags in a message with no HTML
 * part, `Html.ts`) does not hold. A mail program shows a text/plain part as it is, so its reader
 * sees the markup: a bulk tool that wrote its page where the text goes, either with the wrong
 * Content-Type (as `text_plain_markup` reads it, here for pages laid out with a frame set round a
 * remote page, style sheets or a table instead of the tags that trait counts) or as the "plain"
 * version of an alternative whose HTML version is the same page. A person who pastes a page into
 * a message pastes its layout tags too, and `text_plain_markup` then holds instead (the one ham of
 * the corpus with a document in a plain part, a log quoting a spam, is such a one).
 *
 * Counted on the corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham, 9 spam of 2002-05;
 * with the messages where `text_plain_markup` holds, 1 ham, 59 spam (docs/classifier.md, round 60).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { MimePart } from "@mailmoat/core"
import { isTextLeaf, typeOf } from "./ShownText.ts"

/** Characters read of one text: `text_plain_markup` reads as many. */
const MAX_CHARS = 50_000
/** Deeper trees than this are not read (the MIME walk stops at 20). */
const MAX_DEPTH = 40

/** A document's opening tag: `<html>` or `<html` and its attributes, any case. */
const HTML_OPEN = /<html[\s>]/i
/** Its closing tag. */
const HTML_CLOSE = /<\/html\s*>/i

/** Whether `text` holds an HTML document: an `<html>` tag, then `</html>`. */
export const holdsHtmlDocument = (text: string): boolean => {
  const sample = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text
  const open = sample.search(HTML_OPEN)
  return open >= 0 && HTML_CLOSE.test(sample.slice(open + 5))
}

/**
 * Whether a text/plain leaf under `part` holds an HTML document. `texts` are the body's texts, one
 * per text/plain or text/html leaf that is not an attachment, in tree order (`BodyFacts`): the
 * walk counts those leaves to find each one's text. `seen.leaves` is that count so far.
 */
const plainHoldsDocument = (
  part: MimePart,
  texts: ReadonlyArray<unknown>,
  seen: { leaves: number },
  depth: number
): boolean => {
  if (depth > MAX_DEPTH) return false
  const children: ReadonlyArray<MimePart> = Array.isArray(part.children) ? part.children : []
  if (children.length > 0) return children.some((child) => plainHoldsDocument(child, texts, seen, depth + 1))
  if (!isTextLeaf(part)) return false
  const text = texts[seen.leaves++]
  return typeOf(part) === "text/plain" && typeof text === "string" && holdsHtmlDocument(text)
}

/** Whether one of the message's text/plain parts holds an HTML document (`mime`, `texts`: the message's). */
export const plainTextDocument = (mime: MimePart, texts: ReadonlyArray<unknown>): boolean =>
  texts.length > 0 && plainHoldsDocument(mime, texts, { leaves: 0 }, 0)
