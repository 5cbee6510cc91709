/**
 * `subject_number_tail`: the Subject ends in a number of five or more digits set apart from the
 * subject's own words, as in `Protect your computer against viruses! 21198` or
 * `Cut Your Monthly Payments By 50% 21405`. Bulk tools append a counter or a random number so
 * that every copy differs (a checksum filter sees no two alike). A person's subject that ends
 * in a number names it ("Order 123456", "warning for 12144"): the number follows a word. So only
 * a number after punctuation, a digit, or a gap of two or more blanks counts.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 93 spam; a tail
 * of five digits after any blank: 1 ham (a weather warning ending in its ZIP code), 122 spam.
 *
 * @category constructors
 * @since 0.4.0
 */

/** The end of the Subject read: the tail is all the check needs, and the scan stays short. */
const TAIL_CHARS = 200
/**
 * Five or more digits closing the subject, after a gap of blanks or after a blank that follows
 * a character that is neither a letter nor a blank. `\p{L}` so that a word in any script counts
 * as a word.
 */
const NUMBER_TAIL = /(?:[^\s\p{L}][ \t]+|[ \t]{2,})\d{5,}\s*$/u

/** Whether the decoded Subject ends in a set-apart number of five or more digits. */
export const subjectNumberTail = (subject: string | undefined): boolean =>
  subject !== undefined && NUMBER_TAIL.test(subject.slice(-TAIL_CHARS))
