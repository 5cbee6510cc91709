/**
 * The links' traits of round 50 (docs/classifier.md), named for the tokenizer in one call: each is
 * a module of its own; this only hands each the message and names the features that hold. Each
 * reads where a message's links lead when their server has no name (an IP literal), not its words.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { urlIpOneSite } from "./UrlIpOneSite.ts"
import { urlRedirectIp } from "./UrlRedirectIp.ts"

/**
 * The names (without the `feat:` prefix) of this family's traits that `message` carries. `ipLink`:
 * whether a link is on an IP literal, when the caller has read the links already (`urlIpOneSite`).
 */
export const linkServerFeatures = (message: Message, ipLink?: boolean): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (urlIpOneSite(message, ipLink)) out.push("url_ip_one_site")
  if (urlRedirectIp(message)) out.push("url_redirect_ip")
  return out
}
