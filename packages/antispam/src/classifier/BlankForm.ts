/**
 * `text_blank_form`: the text holds a form to fill in and send back, two or more of a person's
 * details (name, phone, e-mail) as a label with nothing after it but blanks, underscores, dots or
 * brackets: `Name: ________`, `Phone:`, `Email: [ ]`. A lead-gathering offer (loans, insurance,
 * work at home, "more information") asks the reader to reply with the details to a stranger; a
 * company's mail sends the reader to its own site's form, and its confirmations carry the details
 * filled in. One blank label (a footer's `Phone:` left empty) never counts.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 1 ham (a sales letter a
 * list carried), 121 spam of both eras.
 *
 * @category constructors
 * @since 0.5.0
 */

/** Characters of the text read: such forms are short and come before any long quote. */
const MAX_TEXT = 50_000
/** A label starts a line (after a bullet or quote mark) and is followed only by blanks to fill in. */
const blankLabel = (label: string): RegExp =>
  new RegExp(`^[ \\t*>-]*(?:your )?(?:${label})\\b[^\\n:]{0,15}:[ \\t_.\\[\\]()]*$`, "im")
const LABELS = [
  blankLabel("(?:full )?name"),
  blankLabel("(?:day |home |work )?(?:phone|tel|telephone)"),
  blankLabel("e-?mail")
]

/** Whether `text` (a message's decoded text) holds two or more blank labels of a person's details. */
export const blankForm = (text: string): boolean => {
  const t = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text
  const lines = blankEndedLines(t)
  if (lines === undefined) return false
  let found = 0
  for (const label of LABELS) if (label.test(lines) && ++found >= 2) return true
  return false
}

/** What may follow a label's colon up to the line's end: `[ \t_.\[\]()]`. */
const isBlank = (c: number): boolean =>
  c === 32 || c === 9 || c === 95 || c === 46 || c === 91 || c === 93 || c === 40 || c === 41

/** A line end of `$` in a multi-line expression: LF, CR, U+2028, U+2029. */
const isLineEnd = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029

/**
 * The lines of `t` (split at LF) that hold a colon followed by nothing but blanks up to a line end,
 * joined by LF; undefined when there is none. The labels' expressions ran over the whole text, three
 * times, trying a line start at every line; a match never holds an LF, begins at a line start and
 * ends with such a colon and its blanks, so it lies on one of these lines, and the expressions find
 * on them what they find on the text. Most mail has none (a colon ends `wrote:` lines, not
 * many more).
 */
const blankEndedLines = (t: string): string | undefined => {
  let lines: Array<string> | undefined
  let taken = 0
  for (let c = t.indexOf(":"); c >= 0; c = t.indexOf(":", c + 1)) {
    // A colon on a line taken already.
    if (c < taken) continue
    let i = c + 1
    while (i < t.length && isBlank(t.charCodeAt(i))) i++
    if (i < t.length && !isLineEnd(t.charCodeAt(i))) continue
    const start = t.lastIndexOf("\n", c) + 1
    const lf = t.indexOf("\n", c)
    const end = lf < 0 ? t.length : lf
    ;(lines ??= []).push(t.slice(start, end))
    taken = end
  }
  return lines?.join("\n")
}
