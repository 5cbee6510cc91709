/**
 * `html_word_unstyled`: an HTML-only message (no plain-text version) whose page uses Word's style
 * classes (`class=MsoNormal`, `MsoBodyText`) and has no style sheet at all: a Word document's body
 * copied out of the page Word saved, into a bulk tool, without the `<style>` block in the head
 * that defines those classes. Word and Outlook write that block into every page they save or send.
 * Reads the markup only, no word of the text.
 *
 * Counted on the training corpus and eval/ (all subsets, 4,150 ham / 1,896 spam): 0 ham, 16 spam
 * of both eras; with a plain-text version allowed, 2 ham (hard_ham)
 * (`bench/classifier-page34-candidates.mjs`, docs/classifier.md round 55).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { somePage } from "./HtmlHead.ts"
import { htmlOnly } from "./SenderSites.ts"

/** A class attribute naming one of Word's classes (all begin `Mso`), quoted or not. */
const WORD_CLASS = /\bclass\s*=\s*["']?Mso/i
/** A style sheet: an element `<style>` (the attribute `style=` defines no class). */
const STYLE_SHEET = /<style[\s>]/i

/** Whether `html` (one part's source) names Word's classes and has no style sheet. */
export const isWordUnstyled = (html: string): boolean => WORD_CLASS.test(html) && !STYLE_SHEET.test(html)

/** Whether `body` is HTML only and one of its pages is Word's markup without its style sheet. */
export const htmlWordUnstyled = (body: Message["body"]): boolean =>
  htmlOnly(body) && somePage(body.htmls, isWordUnstyled)
