/**
 * `subject_code_tail`: the Subject ends in a code in brackets that a bulk tool writes, new in every
 * copy so that no two copies have the same subject (`subject_padding` reads the same trick hidden
 * behind blanks). Two forms:
 *
 * - lower-case letters and digits in four runs or more, no run of letters longer than two
 *   (`[ll4k4]`, `[p5fi3]`);
 * - a tracking code of letters and digits, a hyphen, more of them, `@` and a number, in five runs
 *   or more (`(5026HbTl0-754G@13)`, `(0766aExl8-42@11)`).
 *
 * People's subjects end in words; the codes that systems put there are a ticket or order number
 * (`[Bug 1234]`, `(PROJ-1234)`: two runs, or blanks inside), a version (`[v2-rc1]`, `(Win2k3)`: a
 * hyphen without `@`, or a run of three letters) or a commit's hexadecimal hash, which are not
 * counted.
 *
 * Counted on the training corpus (train/ and eval/, 4,150 ham / 1,896 spam): 0 ham, 7 spam of both
 * eras, 4 of them missed by the shipped model with none of their words known, all 4 at 0.7 or more
 * (`bench/classifier-address-candidates.mjs`, docs/classifier.md round 35).
 *
 * @category constructors
 * @since 0.5.0
 */

/** The subject's last characters read: a code and its brackets. */
const MAX_TAIL = 80
const BRACKETED_TAIL = /[[(]([A-Za-z0-9@-]{4,40})[\])]\s*$/
const RUN = /[A-Za-z]+|\d+/g
const LETTER = /[A-Za-z]/
const DIGIT = /\d/
const HEX = /^[0-9A-Fa-f-]+$/
/** Lower-case letters and digits, no run of letters longer than two. */
const SHORT_CODE = /^(?:[a-z]{1,2}|\d+)+$/
/** Letters and digits, a hyphen, letters and digits, `@` and a number. */
const TRACKING_CODE = /^[A-Za-z0-9]+-[A-Za-z0-9]+@\d+$/

const runs = (code: string): number => {
  let n = 0
  RUN.lastIndex = 0
  while (RUN.exec(code) !== null) n++
  return n
}

/** Whether the (decoded) `subject` ends in a bulk tool's bracketed code (see the module's header). */
export const subjectCodeTail = (subject: string | undefined): boolean => {
  if (subject === undefined) return false
  const code = BRACKETED_TAIL.exec(subject.slice(-MAX_TAIL))?.[1]
  if (code === undefined || !LETTER.test(code) || !DIGIT.test(code) || HEX.test(code)) return false
  const n = runs(code)
  return (SHORT_CODE.test(code) && n >= 4) || (TRACKING_CODE.test(code) && n >= 5)
}
