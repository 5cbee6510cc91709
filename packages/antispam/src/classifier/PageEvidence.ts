/**
 * The page's traits of round 54 (docs/classifier.md), named for the tokenizer in one call: each is
 * a module of its own; this only hands each the message and names the features that hold. Each
 * reads how a message's HTML is built and what it links to, not its words.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { htmlBodyFragment } from "./HtmlBodyFragment.ts"
import { htmlMailtoOnly } from "./HtmlMailtoOnly.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const pageFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (htmlBodyFragment(message.body.htmls)) out.push("html_body_fragment")
  if (htmlMailtoOnly(message)) out.push("html_mailto_only")
  return out
}
