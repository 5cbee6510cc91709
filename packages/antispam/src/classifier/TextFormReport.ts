/**
 * `text_form_report_relayed`: a web form's report, sent to the mailboxes of several domains. A
 * form-mail script mails what a site's visitor typed into a form: its report opens on a line or
 * two naming the visitor's mailbox in parentheses (`It was submitted by (a@b.example) on ...`,
 * in whatever language the script speaks), writes that mailbox as the message's From, and parts
 * the fields it reports from the head by a rule of dashes. A site's form reports to the site's
 * owner; a script whose recipient field a stranger fills in reports whatever the stranger typed
 * (an offer, a page of markup) to every mailbox the stranger names. So the trait holds for a
 * report whose head names From's own mailbox in parentheses among its first three non-blank lines
 * and a rule of 20 or more dashes among its first six, sent (To and Cc) to mailboxes on two or
 * more registrable domains. A site owner's own report, to one mailbox or to several of one
 * domain, never counts; nor does a forwarded message (its head names From's mailbox in `<>`),
 * a signature's rule, or an address in parentheses in prose.
 *
 * Counted on the training corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham (none carries
 * a form's report at all), 13 spam of both eras, 10 of them missed by the shipped model on its
 * features alone, 8 of those at 0.6 or more (`bench/classifier-body33-candidates.mjs`,
 * docs/classifier.md round 51).
 *
 * @category constructors
 * @since 0.5.0
 */
import { addresses, domainOf } from "./HeaderEvidence.ts"
import { someTrimmedLine } from "./TrimmedLines.ts"

/** The non-blank lines a report's head is looked for in: the visitor's mailbox in the first, the rule in the second. */
const NAME_LINES = 3
const HEAD_LINES = 6
/** Characters read of one text: the head is at its start. */
const MAX_CHARS = 20_000
/** Characters of a head line read for the mailbox: the script's sentence is short. */
const LINE_CHARS = 300
/** Dashes that make a rule. */
const RULE_DASHES = 20
/** A mailbox alone in parentheses, blanks allowed inside them. */
const PARENTHESISED = /\(\s*([^\s()<>@,;:"[\]]{1,64}@[^\s()<>@,;:"[\]]{1,255})\s*\)/g

/** Whether the trimmed line `[from, to)` of `text` is a rule: dashes only, `RULE_DASHES` or more. */
const isRule = (text: string, from: number, to: number): boolean => {
  if (to - from < RULE_DASHES) return false
  for (let i = from; i < to; i++) if (text.charCodeAt(i) !== 45) return false
  return true
}

/** Whether the trimmed line `[from, to)` of `text` names `sender` (lower case) in parentheses. */
const namesSender = (text: string, from: number, to: number, sender: string): boolean => {
  const line = text.slice(from, Math.min(to, from + LINE_CHARS))
  if (!line.includes("@")) return false
  for (const m of line.matchAll(PARENTHESISED)) if (m[1]!.toLowerCase() === sender) return true
  return false
}

/** Whether `text` opens on a form's report naming `sender` (lower case): see the module's header. */
export const formReportHead = (text: string, sender: string): boolean => {
  const t = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text
  let lines = 0
  let named = false
  let rule = false
  someTrimmedLine(t, (from, to) => {
    lines++
    if (!named && lines <= NAME_LINES && namesSender(t, from, to, sender)) named = true
    else if (!rule && isRule(t, from, to)) rule = true
    return named && rule ? true : lines >= HEAD_LINES ? false : undefined
  })
  return named && rule
}

/**
 * Whether one of `texts` (a message's decoded texts) is a form's report naming From's mailbox,
 * sent to mailboxes on two or more domains; `from`, `to` and `cc` are those fields as sent.
 */
export const textFormReportRelayed = (
  texts: ReadonlyArray<unknown>,
  from: string | undefined,
  to: string | undefined,
  cc: string | undefined
): boolean => {
  const sender = addresses(from)[0]?.toLowerCase()
  if (sender === undefined) return false
  // The head first: most texts are done at their first line, and only a report's fields are compared.
  if (!texts.some((t) => typeof t === "string" && formReportHead(t, sender))) return false
  const domains = new Set([...addresses(to), ...addresses(cc)].map(domainOf))
  return domains.size >= 2
}
