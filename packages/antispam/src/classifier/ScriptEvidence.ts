/**
 * The header traits of round 57 (docs/classifier.md), named for the tokenizer in one call: each is
 * a module of its own; this only hands each the message and names the features that hold. Each
 * reads how a message's headers are written against the script its body declares, or a label
 * a rule fixes, not its words.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { fromNameAddressScript } from "./FromNameAddressScript.ts"
import { headerUnencodedScript } from "./HeaderUnencodedScript.ts"
import { subjectAdMarker } from "./SubjectAdMarker.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const scriptFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (headerUnencodedScript(message)) out.push("header_unencoded_script")
  if (fromNameAddressScript(message)) out.push("from_name_address_script")
  if (subjectAdMarker(message)) out.push("subject_ad_marker")
  return out
}
