/**
 * `html_editor_generator`: an HTML-only message (no plain-text version) whose page names a
 * web-page editor in its generator meta tag (`<meta name="GENERATOR" content="Microsoft FrontPage
 * 4.0">`, Namo WebEditor, Visual Page, Dreamweaver, ...): a page made for a web site and mailed as
 * it was saved. Mail programs that write the tag name themselves or their HTML engine (`MSHTML`,
 * Word, Netscape's `Mozilla/4.x`), and newsletter services their own tool (`iMakeNews`): none of
 * those is on the list. The two HTML editors that ham's pages name (`BBEdit`, `CuteHTML`, each
 * in a message with a plain-text version) are on it: the list names what makes web pages, not
 * what the corpus happens to show only in spam. Reads the tag only, no word of the text.
 *
 * Counted on the training corpus and eval/ (all subsets, 4,150 ham / 1,896 spam): 0 ham, 117 spam
 * of both eras (106 of them FrontPage's); with a plain-text version allowed, 2 ham
 * (`bench/classifier-page34-candidates.mjs`, docs/classifier.md round 55).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { generatorOf, somePage } from "./HtmlHead.ts"
import { htmlOnly } from "./SenderSites.ts"

/** Programs that make web pages, not mail (their generator strings as they write them). */
const WEB_EDITOR =
  /frontpage|dreamweaver|golive|netobjects|namo webeditor|visual page|microsoft publisher|homesite|coffeecup|hotmetal|trellix|pagemill|claris home page|bbedit|cutehtml/i

/** Whether `html` (one part's source) names a web-page editor as its generator. */
export const isEditorPage = (html: string): boolean => {
  const generator = generatorOf(html)
  return generator !== undefined && WEB_EDITOR.test(generator)
}

/** Whether `body` is HTML only and one of its pages was made in a web-page editor. */
export const htmlEditorGenerator = (body: Message["body"]): boolean =>
  htmlOnly(body) && somePage(body.htmls, isEditorPage)
