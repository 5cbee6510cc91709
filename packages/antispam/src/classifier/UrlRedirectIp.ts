/**
 * `url_redirect_ip`: a link that carries another link to an IP literal in its path or query (a
 * redirect through someone's click counter or search page to a server with no name:
 * `http://click.example.com/director.asp?target=http://192.0.2.7/offer/`), or a bare address
 * handed over as a parameter with a path after it (`?go&192.0.2.7/offer/`). The offer's own server
 * is hidden behind a known site's name; the link a reader sees names that site only.
 *
 * `url_redirect` (Urls.ts) marks any link inside a link, which ham show too (a newsletter's click
 * counter, a translated page, a validator's report: 24 ham); with an IP literal as the target no ham
 * of the corpus has one. A parameter without a path after it (`?ip=192.0.2.7`, a look-up page's
 * link) does not count, nor does a version number in a path (`/1.2.3.4/`).
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 13 spam of both
 * eras, 8 missed by the shipped model on its features alone, 6 of those with no other feature it
 * weighs (`bench/classifier-link32-candidates.mjs`, docs/classifier.md round 50).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { lastLinkParts, linkParts, MAX_URLS } from "./Urls.ts"

/** Characters of a link read after its host. */
const MAX_TAIL = 2000
/**
 * An IP literal after a scheme (plain or percent-encoded), or after `=`, `&` or `?` with a path or
 * port after it. Flat alternatives over bounded runs: no backtracking beyond a few characters.
 */
const IP_TARGET =
  /(?:https?(?::|%3a)(?:\/|%2f){2}\d{1,3}(?:\.\d{1,3}){3}(?![\d.])|[=&?]\d{1,3}(?:\.\d{1,3}){3}(?:\/|%2f|:\d))/i

/** Whether `url`'s path or query holds a link to an IP literal. */
export const redirectsToIp = (url: string): boolean => {
  if (!linkParts(url)) return false
  const authorityEnd = lastLinkParts()[1]
  return IP_TARGET.test(url.slice(authorityEnd, authorityEnd + MAX_TAIL))
}

/** Whether `message` carries `url_redirect_ip`. Never throws on a parsed message. */
export const urlRedirectIp = (message: Message): boolean => {
  const urls = message.body.urls
  const n = Math.min(urls.length, MAX_URLS)
  for (let i = 0; i < n; i++) if (redirectsToIp(String(urls[i]))) return true
  return false
}
