/**
 * The links' traits of round 46 (docs/classifier.md), named for the tokenizer in one call: each is
 * a module of its own; this only hands each the message and names the features that hold. Each
 * reads what a message's links, URLs and HTML name, not its words.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { urlOneForeignSite } from "./UrlOneForeignSite.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const linkFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (urlOneForeignSite(message)) out.push("url_one_foreign_site")
  return out
}
