// Parts of HeaderAnomalies.ts and HeaderEvidence.ts as they were before Received stamps were
// parsed only up to the first that parses, a subject's first charset came from one match and
// mail-program tokens were remembered: the oracle HeaderScans.test.ts compares the current code
// with. Kept verbatim but for this header; unchanged helpers are imported from src/.
import type { Headers, ReceivedHop } from "@mailmoat/core"
import { dateObsoleteForm, dateWeekdayWrong, dateZoneInvalid } from "../../../src/classifier/HeaderAnomalies.ts"
import { caps, mixedScripts } from "../../../src/classifier/HeaderEvidence.ts"
import { hasInvisible, words } from "../../../src/classifier/Words.ts"

const HOUR = 3600_000
const DAY = 24 * HOUR

/** Date header parsing: comments such as `(PST)` are dropped first. */
export const parseDate = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const t = Date.parse(
    value
      .replace(/\([^)]*\)/g, "")
      .trim()
      .slice(0, 200)
  )
  return Number.isNaN(t) ? undefined : t
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
  const stamp = received.map((h) => parseDate(h.date)).find((t) => t !== undefined)
  if (stamp === undefined) return
  if (date - stamp > DAY) features.add("date_future")
  else if (stamp - date > 7 * DAY) features.add("date_stale")
}

/** Tags filters and list servers put in front of a subject; stripped before tokenizing. */
const FILTER_TAGS =
  /^(?:\s*(?:\[[^\]]{0,40}\]|\*{2,}\s*SPAM\s*\*{2,}|\{SPAM\??\}|SPAM:|(?:re|fwd?|aw|sv|wg)\s*(?:\[\d+\])?\s*:))+\s*/i
const COMMON_CHARSETS = /^(?:us-ascii|utf-8|iso-8859-\d{1,2}|windows-125\d|cp125\d)$/i

export const subjectEvidence = (
  raw: string | undefined,
  decoded: string | undefined,
  tokens: Set<string>,
  features: Set<string>
): void => {
  if (raw === undefined) {
    features.add("subject_missing")
    return
  }
  const subject = (decoded ?? raw).slice(0, 1000)
  if (/^\s*(?:\[[^\]]{0,40}\]\s*)*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:/i.test(subject)) tokens.add("subj:is-reply")
  const stripped = subject.replace(FILTER_TAGS, "")
  if (stripped.trim().length === 0) features.add("subject_empty")
  for (const w of words(stripped, { prefix: "subj:", maxWords: 40 })) tokens.add(w)
  const c = caps(stripped)
  if (c.letters >= 8 && c.ratio >= 0.8) features.add("subject_all_caps")
  if (/!{2,}|\?{2,}/.test(stripped)) features.add("subject_exclaim")
  if (/\$\s?\d|\d\s?%|\bfree\b/i.test(stripped)) tokens.add("subj:money")
  if (hasInvisible(stripped)) features.add("subject_invisible")
  if (mixedScripts(stripped)) features.add("subject_mixed_scripts")
  const charsets = [...raw.matchAll(/=\?([^?*]{1,40})(?:\*[^?]*)?\?[bq]\?/gi)].map((m) => m[1]!.toLowerCase())
  if (charsets.length > 0) {
    tokens.add(`subj:charset:${charsets[0]!.slice(0, 20)}`)
    // Encoding plain ASCII words hides them from naive filters; MUAs only encode what needs it.
    if (/^[\x20-\x7e]*$/.test(subject)) features.add("subject_encoded_ascii")
    if (!COMMON_CHARSETS.test(charsets[0]!)) tokens.add("subj:odd-charset")
  } else if (/[^\x00-\x7f]/.test(raw)) tokens.add("subj:raw-8bit")
}

/** The X-Mailer / User-Agent token of analyseHeaders, computed every time. */
export const mailerToken = (mailer: string): string => {
  const name = mailer
    .toLowerCase()
    .replace(/[\d.]+/g, " ")
    .replace(/[()[\];,/]/g, " ")
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .join("_")
  return `mailer:${name.slice(0, 40)}`
}
