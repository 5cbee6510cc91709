/**
 * `subject_clock_stamp`: the Subject holds the time of day the Date field gives, to the second
 * (`Collect Your Money! Time:1:30:33 AM` sent `Fri, 20 Sep 2002 01:30:33`, `This one will make you
 * money  9/20/02 11:34:52 PM` sent at 23:34:52): a bulk tool stamping each copy with its clock so
 * that no two copies have the same subject. A person who names a time in a subject names minutes
 * (`lunch at 12:30`); a time to the second that is also the moment the message was written is the
 * program's own clock. Read in either clock (`2:18:15 PM` is 14:18:15).
 *
 * Counted on the training corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham, 14 spam of
 * both eras (four tools), 4 of them missed by the shipped model with none of their words known, 3
 * of those at 0.7 or more (`bench/classifier-address-candidates.mjs`, docs/classifier.md round 35).
 *
 * **Gotchas**
 * A script that puts the moment it ran into a report's subject and sends it at once (a backup or
 * monitoring report) is marked; none of the corpus's ham is such a report.
 *
 * @category constructors
 * @since 0.5.0
 */

/** Characters of each field read: a Date field and a subject are short. */
const MAX_FIELD = 300
const CLOCK = /(?<!\d)(\d{1,2}):(\d\d):(\d\d)(?!\d)/g

/** The hour, minute and second of each time with seconds in `text`, at most eight. */
const clocks = (text: string): Array<readonly [number, number, number]> => {
  const out: Array<readonly [number, number, number]> = []
  CLOCK.lastIndex = 0
  for (let m = CLOCK.exec(text); m !== null && out.length < 8; m = CLOCK.exec(text))
    out.push([Number(m[1]), Number(m[2]), Number(m[3])])
  return out
}

/** Whether the (decoded) `subject` holds the time of day of `date` (the Date field) to the second. */
export const subjectClockStamp = (subject: string | undefined, date: string | undefined): boolean => {
  if (subject === undefined || date === undefined) return false
  const sent = clocks(date.slice(0, MAX_FIELD))[0]
  if (sent === undefined) return false
  const [hour, minute, second] = sent
  return clocks(subject.slice(0, MAX_FIELD)).some(
    ([h, m, s]) => m === minute && s === second && h < 24 && (h === hour || h % 12 === hour % 12)
  )
}
