/**
 * The traits of round 40 (docs/classifier.md): what a claimed mail program or relay would have
 * written, against what the header block and the Received chain show. Named for the tokenizer in
 * one call: each is a module of its own; this only reads the fields each needs and names the
 * features that hold. New traits of this family go here, so the tokenizer keeps one call line for
 * all of them.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { mailerFieldsMissing } from "./MailerFingerprint.ts"
import { messageIdNotMailers } from "./MailerMessageId.ts"
import { providerHostForged } from "./ReceivedProviderHost.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const headerFingerprintFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (mailerFieldsMissing(message.headers)) out.push("mailer_fields_missing")
  if (messageIdNotMailers(message.headers)) out.push("message_id_not_mailers")
  if (providerHostForged(message.received ?? [])) out.push("received_provider_host_forged")
  return out
}
