/**
 * `html_untitled`: an HTML-only message (no plain-text version) whose page has a `<title>` nobody
 * wrote: an empty one (`<title></title>`, blanks or `&nbsp;`) or the name a web-page editor gives a
 * new page (Dreamweaver's `Untitled Document` and `Untitled-1`, FrontPage's `New Page 1`, and the
 * same in a few other languages). A page made in an editor for the web and sent as it was saved;
 * a mail program that writes HTML writes no title or the Subject, and sends a plain-text version
 * beside it. Reads the title only, no word of the text.
 *
 * Counted on the training corpus and eval/ (all subsets, 4,150 ham / 1,896 spam): 0 ham, 96 spam of
 * both eras; with a plain-text version allowed, 4 ham (3 empty titles, one `Untitled Document`)
 * (`bench/classifier-page34-candidates.mjs`, docs/classifier.md round 55).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { somePage, titleOf } from "./HtmlHead.ts"
import { htmlOnly } from "./SenderSites.ts"

/** Blanks as a page writes them. */
const BLANKS = /(?:\s|&nbsp;|&#160;|&#xa0;)*/gi
/** A new page's title in the editors that write one (`Untitled-3`, `New Page 2`; French, Spanish, German). */
const EDITOR_DEFAULT =
  /^\s*(?:untitled(?:[ -]?(?:document|page|\d{1,3}))?|new page(?: \d{1,3})?|document sans titre|sin t[ií]tulo|unbenanntes dokument)\s*$/i

/** Whether `html` (one part's source) has a title that is blank or an editor's default. */
export const hasUntitledTitle = (html: string): boolean => {
  const title = titleOf(html)
  return title !== undefined && (title.replace(BLANKS, "") === "" || EDITOR_DEFAULT.test(title))
}

/** Whether `body` is HTML only and one of its pages carries an untitled title. */
export const htmlUntitled = (body: Message["body"]): boolean => htmlOnly(body) && somePage(body.htmls, hasUntitledTitle)
