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
  // The cheap test first: most mail has no line ending in a colon at all.
  if (!t.includes(":")) return false
  let found = 0
  for (const label of LABELS) if (label.test(t) && ++found >= 2) return true
  return false
}
