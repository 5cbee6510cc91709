/**
 * The traits of a bulk tool's addressing added in round 35 (docs/classifier.md): what the tool
 * writes where a recipient or a person's subject goes; since round 52 also the order of its address
 * list and a field per recipient; since round 62 a subject that calls the recipient by its address. Named for the tokenizer in one call: each is a module of its own;
 * this only reads the fields each needs and names the features that hold. New traits of this
 * family go here, so the tokenizer keeps one call line for all of them.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Message } from "@mailmoat/core"
import { recipientFieldRepeated } from "./BulkToolRecipientFields.ts"
import { recipientsSortedRun } from "./BulkToolSortedRun.ts"
import { subjectClockStamp } from "./BulkToolSubjectClock.ts"
import { subjectCodeTail } from "./BulkToolSubjectCode.ts"
import { subjectNamesRecipient } from "./BulkToolSubjectRecipient.ts"
import { toStandIn } from "./BulkToolToStandIn.ts"
import { recipientsOf } from "./RecipientAddresses.ts"

/** The headers a mailing list writes (RFC 2369, RFC 2919; `Mailing-List` is ezmlm's and Yahoo! Groups'). */
const LIST_HEADERS = ["list-id", "list-post", "list-unsubscribe", "mailing-list"] as const

/** The names (without the `feat:` prefix) of this family's traits that `message` carries. */
export const bulkToolFeatures = (message: Message): ReadonlyArray<string> => {
  const out: Array<string> = []
  const h = message.headers
  if (toStandIn(h.get("to"), h.get("cc"), h.get("from"))) out.push("to_stand_in")
  const subject = h.decoded("subject")
  if (subjectCodeTail(subject)) out.push("subject_code_tail")
  if (subjectClockStamp(subject, h.get("date"))) out.push("subject_clock_stamp")
  // Every To and Cc field: a tool may write one field per recipient, which RFC 5322 forbids.
  const to = h.getAll("to")
  const cc = h.getAll("cc")
  if (recipientsSortedRun(to, cc)) out.push("to_sorted_run")
  if (recipientFieldRepeated(to, cc, h.getAll("bcc"))) out.push("recipient_field_repeated")
  const listed = LIST_HEADERS.some((name) => h.get(name) !== undefined)
  if (subjectNamesRecipient({ subject, recipients: recipientsOf(message), listed })) out.push("subject_names_recipient")
  return out
}
