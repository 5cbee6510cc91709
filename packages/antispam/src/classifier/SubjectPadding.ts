/**
 * `subject_padding`: a run of five or more blanks inside one line of the Subject as sent, as in
 * `Lowest Rates Available.                    gjannsxrwg`. Bulk tools pad the subject and append
 * a random code so that every copy differs (a checksum filter sees no two alike) while the
 * reader's list hides the tail. Mail programs never write such a gap; the one place a run of
 * blanks appears in a person's subject is where a long subject was folded (RFC 5322 section
 * 2.2.3: a line break followed by indenting blanks), and unfolding keeps those blanks. So the
 * check reads the field's physical lines in the message bytes and skips each continuation
 * line's indent, instead of the unfolded value.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 286 spam; on the
 * unfolded value the same test would have marked 1 ham, a subject folded with eight blanks.
 *
 * @category constructors
 * @since 0.2.0
 */

const LF = 0x0a
const CR = 0x0d
const SP = 0x20
const HT = 0x09
const COLON = 0x3a
/** Blanks in a row that no typed subject has. */
const MIN_GAP = 5
/** Header block bytes read at most: the Subject of real mail sits in the first few KB. */
const MAX_HEADER_BYTES = 64 * 1024

const isBlank = (b: number | undefined): boolean => b === SP || b === HT

/** True when `bytes[start..]` starts with `subject`, any case, then blanks and a colon. */
const isSubjectLine = (bytes: Uint8Array, start: number, end: number): boolean => {
  const name = "subject"
  if (end - start <= name.length) return false
  for (let i = 0; i < name.length; i++) if ((bytes[start + i]! | 0x20) !== name.charCodeAt(i)) return false
  let i = start + name.length
  while (i < end && isBlank(bytes[i])) i++
  return bytes[i] === COLON
}

/** True when `bytes[start..end)` holds a run of `MIN_GAP` blanks between two other bytes. */
const hasGap = (bytes: Uint8Array, start: number, end: number): boolean => {
  let run = 0
  let seenText = false
  for (let i = start; i < end; i++) {
    if (isBlank(bytes[i])) run++
    else {
      if (seenText && run >= MIN_GAP) return true
      seenText = true
      run = 0
    }
  }
  return false
}

/** True when the first Subject field of the header block in `bytes` has a padding gap. */
export const subjectPadded = (bytes: Uint8Array): boolean => {
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES)
  let pos = 0
  let inSubject = false
  while (pos < limit) {
    let nl = bytes.indexOf(LF, pos)
    if (nl < 0 || nl > limit) nl = limit
    const end = nl > pos && bytes[nl - 1] === CR ? nl - 1 : nl
    // An empty line ends the header block.
    if (end === pos) return false
    if (isBlank(bytes[pos])) {
      // A continuation line: its indent is the fold, not the sender's text.
      if (inSubject && hasGap(bytes, pos, end)) return true
    } else {
      if (inSubject) return false
      if (isSubjectLine(bytes, pos, end)) {
        inSubject = true
        if (hasGap(bytes, bytes.indexOf(COLON, pos) + 1, end)) return true
      }
    }
    pos = nl + 1
  }
  return false
}
