/**
 * The traits of round 48 (docs/classifier.md): what the mail program a message names would have
 * written, for the programs rounds 40 and 44 did not read. Named for the tokenizer in one call:
 * each is a module of its own; this only reads the fields each needs and names the features that
 * hold.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { messageIdNotProgramForm } from "./MailerIdForm.ts"

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const headerMailerFormFeatures = (message: Message): ReadonlyArray<string> =>
  messageIdNotProgramForm(message.headers) ? ["message_id_not_program_form"] : []
