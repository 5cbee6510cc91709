/**
 * The time of a date written in the form RFC 5322 section 3.3 gives it (`Sun, 1 Nov 2026 20:38:54
 * +0000`), read by hand: the Date field and the Received stamps the traits compare. It answers
 * only for that form with every number in its range, and then what `Date.parse` gives for the
 * same text; any other text is left to `Date.parse` (`undefined`). V8's `Date.parse` reads these
 * through its legacy parser at ~0.6 µs a call, and a message's traits asked it 6.5 times a message
 * on the peer workload and 9.9 on the corpus (docs/performance.md, "The classifier's feature
 * stages, 2026-12-07 evening").
 *
 * **Gotchas**
 * `Date.parse` reads much else the same way and some of it oddly (a 4-digit year `0026` is 2026,
 * `24:00:00` the next day, a zone `+0099` 99 minutes): those texts are not read here at all.
 *
 * @category constructors
 * @since 0.5.0
 */

/** Three characters' codes as one number: a name compared in one step. */
const key3 = (a: number, b: number, c: number): number => (a << 16) | (b << 8) | c
const KEY = (name: string): number => key3(name.charCodeAt(0), name.charCodeAt(1), name.charCodeAt(2))
/** The months as RFC 5322 names them, by `key3` of their names: January is 0. */
const MONTHS = new Map(
  ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map((m, i) => [KEY(m), i])
)
const DAYS = new Set(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(KEY))
const MINUTE = 60_000

const SPACE = 32
const COLON = 58
const COMMA = 44
const PLUS = 43
const MINUS = 45

const digitAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : -1
}

/** The two digits at `i` as a number, or -1. */
const twoDigits = (s: string, i: number): number => {
  const a = digitAt(s, i)
  const b = digitAt(s, i + 1)
  return a < 0 || b < 0 ? -1 : a * 10 + b
}

/**
 * The number of one or two digits at `i`, times four, plus how many digits it has; -1 without a
 * digit there (a day or an hour: `1` and `01` alike).
 */
const oneOrTwoDigits = (s: string, i: number): number => {
  const a = digitAt(s, i)
  if (a < 0) return -1
  const b = digitAt(s, i + 1)
  return b < 0 ? a * 4 + 1 : (a * 10 + b) * 4 + 2
}

/** The key of the three characters of `s` at `i` (`key3`). */
const keyAt = (s: string, i: number): number => key3(s.charCodeAt(i), s.charCodeAt(i + 1), s.charCodeAt(i + 2))

const daysIn = (month: number, year: number): number =>
  month === 1
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]!

/**
 * Days from 1970-01-01 to the proleptic Gregorian date `year`-`month`-`day` (month 1-12): what
 * `Date.UTC` counts, by integer arithmetic instead of a builtin call (H. Hinnant's `days_from_civil`).
 */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/**
 * The time (Unix milliseconds) of `s` when it is exactly `[Ddd, ]D[D] Mon YYYY H[H]:MM[:SS] ±HHMM`
 * with single spaces, a weekday and month named as RFC 5322 names them, a year from 1000, a day
 * of that month, a time of day before 24:00 and a zone under 24 hours; `undefined` for any other
 * text (not read: `Date.parse` answers for it).
 */
export const rfc5322Time = (s: string): number | undefined => {
  let i = 0
  if (DAYS.has(keyAt(s, 0))) {
    if (s.charCodeAt(3) !== COMMA || s.charCodeAt(4) !== SPACE) return undefined
    i = 5
  }
  const dayRead = oneOrTwoDigits(s, i)
  if (dayRead < 0) return undefined
  const day = dayRead >> 2
  i += dayRead & 3
  if (s.charCodeAt(i) !== SPACE) return undefined
  const month = MONTHS.get(keyAt(s, i + 1))
  if (month === undefined || s.charCodeAt(i + 4) !== SPACE) return undefined
  i += 5
  const hi = twoDigits(s, i)
  const lo = twoDigits(s, i + 2)
  if (hi < 10 || lo < 0 || s.charCodeAt(i + 4) !== SPACE) return undefined
  const year = hi * 100 + lo
  i += 5
  const hourRead = oneOrTwoDigits(s, i)
  if (hourRead < 0) return undefined
  const hour = hourRead >> 2
  i += hourRead & 3
  if (s.charCodeAt(i) !== COLON) return undefined
  const minute = twoDigits(s, i + 1)
  i += 3
  let second = 0
  if (s.charCodeAt(i) === COLON) {
    second = twoDigits(s, i + 1)
    i += 3
  }
  if (s.charCodeAt(i) !== SPACE) return undefined
  const sign = s.charCodeAt(i + 1)
  const zoneHours = twoDigits(s, i + 2)
  const zoneMinutes = twoDigits(s, i + 4)
  if ((sign !== PLUS && sign !== MINUS) || s.length !== i + 6) return undefined
  if (day < 1 || day > daysIn(month, year) || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return undefined
  if (zoneHours < 0 || zoneHours > 23 || zoneMinutes < 0 || zoneMinutes > 59) return undefined
  const offset = (zoneHours * 60 + zoneMinutes) * MINUTE
  const utc = (((daysFromCivil(year, month + 1, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000
  return utc - (sign === PLUS ? offset : -offset)
}
