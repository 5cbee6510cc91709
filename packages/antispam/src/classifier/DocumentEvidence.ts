/**
 * The HTML document's own marks of round 55 (docs/classifier.md), named for the tokenizer in one
 * call: each is a module of its own; this only hands each the body and names the features that
 * hold. Each reads how an HTML-only message's page was made (its title, the classes it names
 * without their style sheet, the editor it names), not its words.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { htmlEditorGenerator } from "./HtmlEditorGenerator.ts"
import { htmlUntitled } from "./HtmlUntitled.ts"
import { htmlWordUnstyled } from "./HtmlWordUnstyled.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const documentFeatures = (message: Message): ReadonlyArray<string> => {
  const body = message.body
  if (body.htmls.length === 0) return []
  const out: Array<string> = []
  if (htmlUntitled(body)) out.push("html_untitled")
  if (htmlWordUnstyled(body)) out.push("html_word_unstyled")
  if (htmlEditorGenerator(body)) out.push("html_editor_generator")
  return out
}
