/**
 * `message_id_forged_outlook`: a Message-ID in the form Outlook and Outlook Express write whose
 * clock is not the message's. Those programs (and Windows Mail after them) build the ID from the
 * time of sending as a Windows FILETIME (100 ns since 1601, UTC), its high 32 bits in hex as the
 * 5th to 12th digits: `<000c01c24b8a$3e1f5a40$0200a8c0@pc>` holds `01c24b8a`, which steps once
 * every 429 s. The Date they write comes from the same clock, and a relay stamps the message
 * within minutes. Bulk tools copy the form with random digits (`<000c84d37aae$7338a0a4$…@bjjwxv>`,
 * `<00003ed74393$00003e20$00002f2f@…>`), so the time they encode is years or centuries away.
 * The same check as SpamAssassin's `MSGID_OUTLOOK_INVALID`, written from the programs' format.
 *
 * The ID counts as forged only when its time is more than 250 steps (about 30 hours) from the
 * Date and from every Received stamp that parses; when none parses nothing is said. A machine
 * with a wrong clock writes the same wrong time into the ID and the Date, so it never counts;
 * Outlook 2007 and later add a fourth `$` piece (`…$7bbae290$@domain`), a form not read here.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham of the 218 that
 * carry the form, 599 spam of both eras.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { ReceivedHop } from "@mailmoat/core"
import { fileTimeFarFromMessage } from "./OutlookClock.ts"

/** Four hex digits, the FILETIME's high 32 bits, then two more pieces of eight and the host. */
const OUTLOOK_ID = /^\s*<[0-9a-f]{4}([0-9a-f]{8})\$[0-9a-f]{8}\$[0-9a-f]{8}@/i

/**
 * Whether `messageId` has Outlook's form with a time more than ~30 hours from `date` and from
 * every parsing stamp of `received`; false when the form is absent or no time parses.
 */
export const messageIdForgedOutlook = (
  messageId: string | undefined,
  date: string | undefined,
  received: ReadonlyArray<ReceivedHop>
): boolean => {
  if (typeof messageId !== "string") return false
  const m = OUTLOOK_ID.exec(messageId.slice(0, 100))
  if (m === null) return false
  return fileTimeFarFromMessage(Number.parseInt(m[1]!, 16), date, received)
}
