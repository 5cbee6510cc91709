/**
 * `html_mailto_only`: an HTML-only message (no plain-text version) whose one call to action is a
 * `mailto:` link: no web link and no remote picture anywhere in its body, and an `<a>` or `<area>`
 * whose `href` writes mail. An offer that asks the reader to answer to an address, laid out as a
 * page: the sender has no web site to show, or keeps it out of a filter's reach. A person's mail
 * program that writes HTML sends a plain-text version beside it (the alternative); a company's page
 * names its site.
 *
 * Counted on the training corpus and eval/ (all subsets, 4,978 ham / 2,241 spam): 0 ham, 62 spam of
 * both eras, 3 of them missed by the shipped model on its features alone; with a plain-text version
 * allowed, 4 ham (`bench/classifier-link33-candidates.mjs`, docs/classifier.md round 54).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { htmlOnly } from "./SenderSites.ts"

/** Characters of a part read for the link. */
const MAX_CHARS = 200_000
/** HTML parts read per message. */
const MAX_PAGES = 20
/** A link (`<a>`, an image map's `<area>`) whose target writes mail; the attributes bounded. */
const MAILTO_LINK = /<(?:a|area)\s[^>]{0,1000}?\bhref\s*=\s*["']?\s*mailto:/i

/** Whether one of `htmls` (raw HTML parts) holds a `mailto:` link. */
export const hasMailtoLink = (htmls: ReadonlyArray<string>): boolean => {
  const n = Math.min(htmls.length, MAX_PAGES)
  for (let i = 0; i < n; i++) {
    const page = htmls[i]
    if (typeof page === "string" && MAILTO_LINK.test(page.length > MAX_CHARS ? page.slice(0, MAX_CHARS) : page))
      return true
  }
  return false
}

/** Whether `message` carries `html_mailto_only`. Never throws on a parsed message. */
export const htmlMailtoOnly = (message: Message): boolean => {
  const body = message.body
  return body.urls.length === 0 && htmlOnly(body) && hasMailtoLink(body.htmls)
}
