/**
 * `html_body_fragment`: an HTML part that opens a `<body>` and has neither an `<html>` nor a
 * `<head>` tag: a page's body cut out of an editor or a web page and pasted into a bulk tool, which
 * sends it as it is (often after a line of text, `Dear friend,`, or a Word page's `<body
 * lang=EN-US>` without the style sheet its classes name). A mail program writes a whole document
 * (`<html>`, and mostly a `<head>`) around the body it writes; web mail and list software that send
 * a fragment send one with no `<body>` at all. It reads the page's markup only, no word.
 *
 * Counted on the training corpus and eval/ (all subsets, 4,978 ham / 2,241 spam): 0 ham, 31 spam
 * of both eras, 7 of them missed by the shipped model on its features alone; a `<body>` with no
 * `<head>` (an `<html>` or not) is in 3 ham (MSN Explorer and two scripts' pages write `<html><body>`)
 * and a `<body>` with no `<html>` in one (`bench/classifier-link33-candidates.mjs`,
 * docs/classifier.md round 54).
 *
 * @category constructors
 * @since 0.5.0
 */

/** Characters of a part read: the tags that decide are at its start, or nowhere. */
const MAX_CHARS = 200_000
/** HTML parts read per message. */
const MAX_PAGES = 20
/**
 * The three document tags by name, followed by what may follow a tag's name (`<header>`, an HTML5
 * section, is not `<head>`).
 */
const DOCUMENT_TAG = /<(html|head|body)[\s/>]/gi

/** Whether `html` (one part's source) has a `<body>` tag and no `<html>` or `<head>` tag. */
export const isBodyFragment = (html: string): boolean => {
  const page = html.length > MAX_CHARS ? html.slice(0, MAX_CHARS) : html
  let body = false
  DOCUMENT_TAG.lastIndex = 0
  for (let m = DOCUMENT_TAG.exec(page); m !== null; m = DOCUMENT_TAG.exec(page)) {
    if (m[1]!.toLowerCase() !== "body") return false
    body = true
  }
  return body
}

/** Whether one of `htmls` (the message's raw HTML parts) is a body without its document. */
export const htmlBodyFragment = (htmls: ReadonlyArray<string>): boolean => {
  const n = Math.min(htmls.length, MAX_PAGES)
  for (let i = 0; i < n; i++) {
    const page = htmls[i]
    if (typeof page === "string" && isBodyFragment(page)) return true
  }
  return false
}
