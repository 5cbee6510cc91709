/**
 * `from_name_address_script`: the From's display name is its own address written again
 * (`"gu@163.com" <gu@163.com>`) while the body text declares a charset of a non-Latin script
 * (BodyScript.ts). A person's program writes the name its user gave, and one writing Chinese or
 * Korean mail writes it in that script, as an encoded word; with no name set it writes the address
 * alone. A bulk tool that fills the name field from its address list writes the address in both
 * places. It compares the two fields' form, no word.
 *
 * Counted on the training corpus and eval/ (all subsets) and the language fixtures
 * (`bench/classifier-script34-candidates.mjs`, docs/classifier.md round 57): 0 ham, 4 spam, all
 * Chinese; with any body, 2 ham (English mail of programs that fill the name with the address).
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { declaredScripts } from "./BodyScript.ts"

/** A From of one mailbox with a display name: the name (quotes allowed) and the address. */
const NAMED_MAILBOX = /^\s*"?([^"<>]{1,200}?)"?\s*<([^<>\s]{1,200})>\s*$/

/** Whether `from` (the field as received) names the mailbox by its own address. */
export const nameIsAddress = (from: string | undefined): boolean => {
  if (typeof from !== "string" || from.length > 500) return false
  const m = NAMED_MAILBOX.exec(from)
  if (m === null) return false
  const name = m[1]!.trim().toLowerCase()
  return name.includes("@") && name === m[2]!.toLowerCase()
}

/** Whether `message` carries `from_name_address_script`. Never throws on a parsed message. */
export const fromNameAddressScript = (message: Message): boolean =>
  nameIsAddress(message.headers.get("from")) && declaredScripts(message.mime).length > 0
