/**
 * Structural header anomalies: facts about how a message was put together that mean the same in
 * any language and decade, so they hold up where the token table knows none of the words.
 *
 * - dates: a Date header that does not parse, or that lies far from when the message was
 *   received (bulk tools stamp stale or future dates);
 * - Message-ID without the `<local@domain>` form of RFC 5322;
 * - Received chains that cannot be true: a hop stamped long after the hop that received it from
 *   it, or a HELO claiming a big mail provider's bare domain from a host whose reverse DNS
 *   names another domain;
 * - a Date whose weekday is not the weekday of its date (mail programs compute it, templates
 *   copy it);
 * - a Date with a two-digit year or without seconds (forms RFC 5322 allows or keeps as obsolete,
 *   which mail programs do not write);
 * - a Date whose zone is missing or impossible (RFC 5322 section 3.3: offsets run from -1200 to
 *   +1400 in quarter hours): mail programs take it from the clock's settings, bulk tools
 *   make it up;
 * - sender mismatch: the bounce address (Return-Path, else the envelope sender) on another
 *   domain than From; replies sent to another address at a free-mail provider (the advance-fee
 *   and phishing pattern: the From is a front, the answers go to a throw-away mailbox);
 * - bulk-mailer fingerprints: known mass-mailing tools, a forged Outlook Express (which always
 *   writes X-MimeOLE), an X-Mailer that is a random word, high priority flags;
 * - encoded-word abuse (RFC 2047): a From name encoded though it is plain ASCII, an encoded word
 *   glued to letters to split a word.
 *
 * Only fields the sender controls or the receiving hops wrote are read; no filter verdicts.
 *
 * @category constructors
 * @since 0.2.0
 */
import type { Headers, ReceivedHop } from "@mailmoat/core"
import { registrableDomain } from "./Domains.ts"
import { addresses, domainOf } from "./HeaderEvidence.ts"
import { rfc5322Time } from "./MailDate.ts"
import { isCorpusArtefactHost } from "./Urls.ts"

const HOUR = 3600_000
const DAY = 24 * HOUR

/**
 * Date header parsing: comments such as `(PST)` are dropped first (a date without `(` has none:
 * no copy for it). The usual form is read by hand (`MailDate`), the same time `Date.parse` gives.
 */
export const parseDate = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const text = (value.includes("(") ? value.replace(/\([^)]*\)/g, "") : value).trim().slice(0, 200)
  const read = rfc5322Time(text)
  if (read !== undefined) return read
  const t = Date.parse(text)
  return Number.isNaN(t) ? undefined : t
}

/** The time of the newest Received hop whose stamp parses; the hops below it are not parsed. */
const newestStamp = (received: ReadonlyArray<ReceivedHop>): number | undefined => {
  for (const hop of received) {
    const t = parseDate(hop.date)
    if (t !== undefined) return t
  }
  return undefined
}

const MESSAGE_ID = /^\s*<[^<>\s@]{1,250}@[^<>\s@]{1,250}>\s*$/
const BULK_MAILER =
  /mass ?mail|bulk ?mail|send-?safe|dark ?mailer|group ?mail|atomic ?mail|worldmerge|mailking|massmailer|e-?mail ?blaster|stealth ?mail|express ?mailer|mail ?bomber|extractor|advanced ?mass|quicksender|\beasy ?dm\b/i
/**
 * An X-Mailer that is one long word of random upper- and lower-case letters and digits
 * (`hZ3RKtcCNAeE2A3jcbd9ookG`): a bulk tool that writes a new name into every copy so that no
 * rule can match its name. Mail programs name themselves with words and versions
 * (`Microsoft Outlook Express 6.00.2600.0000`, `Sylpheed`, `SquirrelMail/1.4.22`).
 */
const RANDOM_MAILER = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9]{12,80}$/

/** Providers whose bare domain bots announce as HELO. */
const BIG_PROVIDERS = new Set([
  "hotmail.com",
  "yahoo.com",
  "aol.com",
  "msn.com",
  "gmail.com",
  "outlook.com",
  "live.com",
  "mail.ru",
  "yandex.ru",
  "comcast.net",
  "earthlink.net"
])
/**
 * Free-mail providers: anyone can open a mailbox there in a minute. Matched on the registrable
 * domain's first label, so country domains (`yahoo.co.uk`, `hotmail.fr`) count too.
 */
const FREE_MAIL =
  /^(?:aol|excite|gmail|gmx|googlemail|hotmail|juno|live|lycos|mail|msn|netscape|outlook|rediffmail|rocketmail|usa|yahoo|yandex|ymail|zoho)\./

/** True when `domain` (a registrable domain) is a free-mail provider's. */
export const isFreeMail = (domain: string): boolean => FREE_MAIL.test(domain)

const ENCODED_WORD = /=\?[^?\s]{1,40}\?[bq]\?[^?\s]*\?=/i
// An encoded word glued to a letter or digit. Built once, not per header: the build writes an
// expression with `\p{...}` as a `new RegExp` call. The end is read only as a whole word's end:
// a Q word whose text starts with an escape (`=?utf-8?Q?=C3=9Cber?=`, `?Q?=5Blist=5D`) has a
// `?=` followed by a digit or letter at its start, and any subject that begins with a letter
// outside ASCII (Über, Élections, ¡Hola, a Cyrillic or Greek word in Q) has one.
const ENCODED_WORD_GLUED = /[\p{L}\p{N}]=\?[^?\s]{1,40}\?[bq]\?|=\?[^?\s]{1,40}\?[bq]\?[^?\s]*\?=[\p{L}\p{N}]/iu

const registrable = (host: string): string | undefined => {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "")
  return registrableDomain(h) ?? undefined
}

/** Registrable domain of the first address in a header value. */
const addressDomain = (value: string | undefined): string | undefined => {
  const first = addresses(value)[0]
  return first === undefined ? undefined : domainOf(first)
}

/** Received-chain anomalies (hops newest first, as core parses them). */
export const receivedAnomalies = (received: ReadonlyArray<ReceivedHop>, features: Set<string>): void => {
  const hops = received.slice(0, 20)
  let newerTime: number | undefined
  for (const hop of hops) {
    const t = parseDate(hop.date)
    // An older hop (further down) stamped half a day after the newer hop that took the
    // message from it: clocks drift by minutes, forged lower hops by whatever the tool wrote.
    if (t !== undefined && newerTime !== undefined && t - newerTime > 12 * HOUR) features.add("received_time_disorder")
    if (t !== undefined) newerTime = t
    const helo = hop.helo?.toLowerCase()
    if (!helo || isCorpusArtefactHost(helo)) continue
    if (BIG_PROVIDERS.has(helo) && hop.rdns) {
      const rdns = registrable(hop.rdns)
      if (rdns && rdns !== helo && !isCorpusArtefactHost(hop.rdns)) features.add("received_forged_helo")
    }
  }
}

// The zone after the time of day: a numeric offset, or a name (UT, GMT, EDT, ..., military
// letters, and the names some programs write in place of an offset such as BST or CEST).
const NUMERIC_ZONE = /\d:\d\d(?::\d\d)?\s*([+-])(\d\d)(\d\d)\b/
const NAMED_ZONE = /\d:\d\d(?::\d\d)?\s*[a-z]{1,5}\s*$/i

/** True when a Date header (that parses) has no zone, or an offset no place on earth has. */
export const dateZoneInvalid = (value: string): boolean => {
  // A zone name only in a comment (`03:27:38 (GMT)`) is taken as a zone: a sloppy program, not a made-up one.
  const date = value.slice(0, 200).replace(/[()]/g, " ").trim()
  const numeric = NUMERIC_ZONE.exec(date)
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3])
    const offset = numeric[1] === "-" ? -minutes : minutes
    return Number(numeric[3]) % 15 !== 0 || offset < -12 * 60 || offset > 14 * 60
  }
  return !NAMED_ZONE.test(date)
}

const WEEKDAY_DATE = /^\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*,?\s*(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})\b/i
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

/** True when a Date header names a weekday that its day, month and year do not fall on. */
export const dateWeekdayWrong = (value: string): boolean => {
  const m = WEEKDAY_DATE.exec(value.slice(0, 200))
  if (!m) return false
  const month = MONTHS.indexOf(m[3]!.toLowerCase())
  if (month < 0) return false
  let year = Number(m[4])
  // Two-digit years as RFC 5322 section 4.3 reads them.
  if (m[4]!.length === 2) year += year < 50 ? 2000 : 1900
  const day = new Date(Date.UTC(year, month, Number(m[2]))).getUTCDay()
  return WEEKDAYS[day] !== m[1]!.toLowerCase()
}

// A two-digit year (`1 Jun 26`) or a time without seconds (`10:00 +0000`): both are RFC 5322's
// obsolete or optional forms (section 4.3, 3.3) that mail programs of any decade do not write.
const TWO_DIGIT_YEAR = /^\s*(?:[a-z]{3}[a-z]*\s*,?\s*)?\d{1,2}\s+[a-z]{3}[a-z]*\s+\d{2}\s+\d/i
const TIME_WITHOUT_SECONDS = /\d:\d\d(?![:\d])/

/** True when a Date header uses a two-digit year or leaves out the seconds. */
export const dateObsoleteForm = (value: string): boolean => {
  const date = value.slice(0, 200)
  return TWO_DIGIT_YEAR.test(date) || (TIME_WITHOUT_SECONDS.test(date) && !/\d:\d\d:\d\d/.test(date))
}

/** Date vs the newest Received stamp: far in the future or long stale. */
export const dateAnomalies = (headers: Headers, received: ReadonlyArray<ReceivedHop>, features: Set<string>): void => {
  const raw = headers.get("date")
  if (raw === undefined) return
  const date = parseDate(raw)
  if (date === undefined) {
    features.add("date_malformed")
    return
  }
  if (dateZoneInvalid(raw)) features.add("date_zone_invalid")
  if (dateWeekdayWrong(raw)) features.add("date_weekday_wrong")
  if (dateObsoleteForm(raw)) features.add("date_obsolete_form")
  const stamp = newestStamp(received)
  if (stamp === undefined) return
  if (date - stamp > DAY) features.add("date_future")
  else if (stamp - date > 7 * DAY) features.add("date_stale")
}

/** True when X-Mailer names Microsoft Outlook or Outlook Express. */
export const claimsOutlook = (headers: Headers): boolean =>
  /microsoft outlook|outlook express/i.test((headers.get("x-mailer") ?? "").slice(0, 300))

/** Bulk-mailer fingerprints and priority flags. */
export const mailerAnomalies = (headers: Headers, features: Set<string>): void => {
  const mailer = (headers.get("x-mailer") ?? headers.get("user-agent") ?? "").slice(0, 300)
  if (BULK_MAILER.test(mailer)) features.add("mailer_bulk")
  if (RANDOM_MAILER.test(mailer.trim())) features.add("mailer_random")
  // The Windows versions write X-MimeOLE; the Macintosh Edition never does (29 ham of the corpus).
  if (/outlook express/i.test(mailer) && !/macintosh/i.test(mailer) && headers.get("x-mimeole") === undefined)
    features.add("mailer_forged_outlook_express")
  const priority = `${headers.get("x-priority") ?? ""} ${headers.get("x-msmail-priority") ?? ""}`
  if (/^\s*1\b|\bhigh\b/i.test(priority)) features.add("priority_high")
}

/** RFC 2047 encoded words where no mail program would put them. */
export const encodedWordAnomalies = (headers: Headers, features: Set<string>): void => {
  const from = headers.get("from")
  const decodedFrom = headers.decoded("from")
  if (from && decodedFrom && ENCODED_WORD.test(from) && /^[\x20-\x7e]*$/.test(decodedFrom))
    features.add("from_encoded_ascii")
  for (const name of ["subject", "from"]) {
    const raw = headers.get(name)?.slice(0, 2000)
    // An encoded word must be separated from adjacent text by white space (RFC 2047 section 5);
    // one glued to letters splits a word to hide it.
    if (raw && ENCODED_WORD_GLUED.test(raw)) features.add("encoded_word_split")
  }
}

/** All structural header anomalies of a message (feature names without prefix). */
export const analyseAnomalies = (
  headers: Headers,
  received: ReadonlyArray<ReceivedHop>,
  envelopeSender: string | undefined
): Array<string> => {
  const features = new Set<string>()
  const mid = headers.get("message-id")
  if (mid !== undefined && !MESSAGE_ID.test(mid.slice(0, 600))) features.add("message_id_malformed")
  dateAnomalies(headers, received, features)
  receivedAnomalies(received, features)
  mailerAnomalies(headers, features)
  encodedWordAnomalies(headers, features)
  const fromDomain = addressDomain(headers.get("from"))
  const bounceDomain = addressDomain(headers.get("return-path") ?? envelopeSender)
  if (
    fromDomain &&
    bounceDomain &&
    fromDomain !== bounceDomain &&
    !isCorpusArtefactHost(bounceDomain) &&
    !isCorpusArtefactHost(fromDomain)
  )
    features.add("return_path_other_domain")
  const from = addresses(headers.get("from"))[0]?.toLowerCase()
  const replyTo = addresses(headers.get("reply-to"))[0]?.toLowerCase()
  // A mailbox is at the provider's own domain (`x@hotmail.com`); its subdomains are services
  // such as list hosting (`list@groups.msn.com`), where a Reply-To is what a list sets.
  const replyHost = replyTo?.slice(replyTo.lastIndexOf("@") + 1).replace(/[>.]+$/, "")
  if (replyTo && from && replyTo !== from && replyHost === domainOf(replyTo) && isFreeMail(replyHost))
    features.add("reply_to_free_mail")
  return [...features]
}
