/**
 * `message_id_not_mailers`: the X-Mailer names Outlook Express for Windows while the Message-ID is
 * not in the form Outlook Express writes (`<000801c2551d$2b6e2f40$0201a8c0@home>`: hex digits in
 * three `$`-separated groups at the machine's name). Outlook Express writes a Message-ID into every
 * message, and relays keep it; an ID in another form is a relay's (`<200208231511.QAA01654@...>`,
 * written because the message came without one) or a bulk tool's, under a name it borrowed
 * (docs/classifier.md, round 40). Counted on the training corpus (train/ and eval/, 4,150 ham and
 * 1,896 spam): none of the 194 ham that name Outlook Express, 198 spam, 31 of them missed by the
 * shipped model with none of their words known.
 *
 * Mail sent from Outlook Express through Hotmail's web-mail service carries Hotmail's ID
 * (`<DAV32l8aii08N8yxdZj00009342@hotmail.com>`, `<OE17...@hotmail.com>`): an ID on the service's
 * domains is not read. The Macintosh Edition and later Microsoft programs are other names.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Headers } from "@mailmoat/core"

/** Outlook Express for Windows: the name, then its version (`6.00.2600.0000`). */
const OUTLOOK_EXPRESS = /^\s*microsoft outlook express \d/i
/** Its Message-ID: 8 hex digits (version 4), or 12 (5 and 6), then two groups of 8, `$` between. */
const ITS_FORM = /^\s*<(?:[0-9a-f]{4})?[0-9a-f]{8}\$[0-9a-f]{8}\$[0-9a-f]{8}@[^<>\s@]+>\s*$/i
/** Hotmail's web-mail service replaces the ID of mail its users send from Outlook Express. */
const WEB_MAIL_ID = /@(?:[a-z0-9-]+\.)*(?:hotmail\.com|msn\.com|phx\.gbl)>\s*$/i

/** Whether the X-Mailer names Outlook Express for Windows and the Message-ID is in another form. */
export const messageIdNotMailers = (headers: Headers): boolean => {
  const mailer = headers.get("x-mailer")
  if (mailer === undefined || !OUTLOOK_EXPRESS.test(String(mailer).slice(0, 200))) return false
  const id = headers.get("message-id")
  if (id === undefined) return false
  const value = String(id).slice(0, 300)
  return !ITS_FORM.test(value) && !WEB_MAIL_ID.test(value)
}
