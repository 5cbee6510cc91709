/**
 * The traits of round 51 (docs/classifier.md) that read the text against the header block, named
 * for the tokenizer in one call: each is a module of its own; this only hands each the message's
 * decoded texts and the fields it compares them with, and names the features that hold. Each reads
 * who the text says writes and to whom against who the fields say, not the text's words.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { textFormReportRelayed } from "./TextFormReport.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const textHeaderRelationFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  const h = message.headers
  if (textFormReportRelayed(message.body.texts, h.get("from"), h.get("to"), h.get("cc")))
    out.push("text_form_report_relayed")
  return out
}
