/**
 * `mailer_fields_missing`: the X-Mailer names a Microsoft mail program of 1997-2006 whose header
 * block is fixed by the program, and a field that program always writes is absent. Outlook
 * Express for Windows (4.x to 6.x) writes `X-Priority` and `X-MSMail-Priority` in every message;
 * Outlook 97 to 2002 (`Microsoft Outlook IMO, Build 9.0...`, `Microsoft Outlook, Build 10.0...`)
 * also writes `Importance`. A bulk tool that puts the program's name into X-Mailer but writes its
 * own header block leaves them out (docs/classifier.md, round 40). Counted on the training corpus
 * (train/ and eval/, 4,150 ham and 1,896 spam): none of the 390 ham that name these programs, and
 * 196 spam, 28 of them missed by the shipped model with none of their words known.
 *
 * Only these names are read: the Macintosh Edition of Outlook Express writes no
 * `X-MSMail-Priority`, and later Microsoft programs (`Microsoft Office Outlook`, `Microsoft
 * Windows Mail`, `Microsoft Outlook 14.0`) are other programs whose fields are not read here.
 * Header names are matched without regard to case, as lists and relays rewrite their case.
 *
 * @category constructors
 * @since 0.5.0
 */
import type { Headers } from "@mailmoat/core"

/** Outlook Express for Windows: the name, then its version (`6.00.2600.0000`). */
const OUTLOOK_EXPRESS = /^\s*microsoft outlook express \d/i
/** Outlook 97 to 2002: `Microsoft Outlook, Build 10.0.2616`, `Microsoft Outlook IMO, Build 9.0.2416 (9.0.2911.0)`. */
const OUTLOOK_CLASSIC = /^\s*microsoft outlook(?: imo| cws| 8\.\d+)?, build \d/i

const EXPRESS_FIELDS = ["x-priority", "x-msmail-priority"] as const
const CLASSIC_FIELDS = ["x-priority", "x-msmail-priority", "importance"] as const

/** Whether any of `fields` is absent from `headers`. */
const lacksAny = (headers: Headers, fields: ReadonlyArray<string>): boolean =>
  fields.some((field) => headers.get(field) === undefined)

/** Whether the X-Mailer names Outlook Express or Outlook 97-2002 and a field it always writes is missing. */
export const mailerFieldsMissing = (headers: Headers): boolean => {
  const mailer = headers.get("x-mailer")
  if (mailer === undefined) return false
  const name = String(mailer).slice(0, 200)
  if (OUTLOOK_EXPRESS.test(name)) return lacksAny(headers, EXPRESS_FIELDS)
  return OUTLOOK_CLASSIC.test(name) && lacksAny(headers, CLASSIC_FIELDS)
}
