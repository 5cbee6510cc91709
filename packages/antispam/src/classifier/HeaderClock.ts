/**
 * The traits of round 44 (docs/classifier.md): the clocks a message's header block shows, the
 * Date against the Received chain's stamps. Named for the tokenizer in one call: each is a module
 * of its own; this only reads the fields each needs and names the features that hold.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { dateAfterOrigin } from "./DateAfterOrigin.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const headerClockFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (dateAfterOrigin(message.headers, message.received ?? [])) out.push("date_after_origin")
  return out
}
