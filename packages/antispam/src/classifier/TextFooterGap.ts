/**
 * `text_footer_gap`: a plain-text letter that opens a conversation and pushes its last few lines
 * (one to eight) below a run of eight or more empty lines. What the reader sees on opening it is
 * the offer; the removal notice, the random tag of the copy or the sender's address sits below the
 * first screen. A person's letter does not leave a screen of empty lines above its last lines; a
 * mailing list's footer and a signature's trailing blanks come after the `-- ` line (RFC 3676
 * section 4.3), where this stops reading, and replies (quoted lines, `In-Reply-To`, `References`,
 * a `Re:` subject) are not read.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam; `node
 * bench/classifier-plain35-candidates.mjs`, docs/classifier.md round 59): 0 ham, 81 spam (32 of
 * 2002's, 34 of 2003-05's, 15 of the evaluation split's), 19 of them missed with none of their words
 * known in the base's drift run. Eight or more with one to eight lines below and a conversation
 * opened: a run of six under the same conditions is in six ham (a newsletter's sections, a pasted
 * article), a longer block below is a newsletter's disclaimer or a form (two ham), and replies
 * carry a gap above what they quote.
 *
 * **Gotchas**
 * Only a message without an HTML part is read (its first decoded text): a text alternative that a
 * newsletter tool writes from its HTML keeps that page's empty blocks, which says nothing about who
 * typed it. Lines of blanks (spaces, tabs, no-break spaces) count as empty.
 *
 * @category constructors
 * @since 0.5.0
 */

/** Empty lines that make the gap: a screen's worth; six are in ham (a newsletter's sections). */
export const GAP_LINES = 8
/** Non-blank lines below the gap: a footer's few; more is a document's next section. */
export const MAX_BELOW = 8
/** Characters read of the text: a letter's gap and footer are in them. */
const MAX_CHARS = 50_000

/** The fields of a message the trait reads. */
export interface FooterGapInput {
  /** The message's decoded texts (the first is the letter). */
  readonly texts: ReadonlyArray<unknown>
  /** Whether the message has an HTML part. */
  readonly hasHtml: boolean
  readonly inReplyTo: string | undefined
  readonly references: string | undefined
  readonly subject: string | undefined
}

/** A newline and then GAP_LINES lines of blanks, each ending in a newline. */
const GAP_RUN = new RegExp(`\\n(?:[ \\t\\u00a0\\r]*\\n){${GAP_LINES}}`)

/** Whether `line` holds only blanks (spaces, tabs, no-break spaces, a CR) or nothing. */
const isBlank = (line: string): boolean => /^[ \t\u00a0\r]*$/.test(line)
/** A quoted line (`> `, ` >`): the text answers another message. */
const isQuoted = (line: string): boolean => /^[ \t]*>/.test(line)
/** The signature separator of RFC 3676 section 4.3, a CR after it allowed. */
const isSignatureSeparator = (line: string): boolean => line === "-- " || line === "-- \r"

/**
 * Whether `text` has a letter above a run of `GAP_LINES` or more empty lines and one to
 * `MAX_BELOW` non-blank lines below it, before any signature separator, with no quoted line.
 */
export const footerGap = (text: string): boolean => {
  const read = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text
  // A gap follows a line of the letter, so it is a newline and then GAP_LINES blank lines each
  // ending in one: most texts have no such run, and are not split into lines for the rest.
  return GAP_RUN.test(read) && footerGapByLines(read)
}

/** `footerGap` read line by line, without the test that skips texts with no run of blank lines. */
export const footerGapByLines = (text: string): boolean => {
  let above = false
  let run = 0
  let below = -1
  for (const line of text.split("\n")) {
    if (isSignatureSeparator(line)) break
    if (isQuoted(line)) return false
    if (isBlank(line)) {
      run++
      continue
    }
    if (below >= 0) below++
    else if (above && run >= GAP_LINES) below = 1
    above = true
    run = 0
  }
  return below >= 1 && below <= MAX_BELOW
}

/** A message that opens a conversation: no `In-Reply-To` or `References`, no `Re:` subject. */
const opensConversation = (input: FooterGapInput): boolean =>
  !input.inReplyTo && !input.references && !/^\s*re\s*:/i.test(input.subject ?? "")

/** Whether a plain-text message opening a conversation pushes its last lines below a gap. */
export const textFooterGap = (input: FooterGapInput): boolean => {
  if (input.hasHtml || !opensConversation(input)) return false
  const letter = input.texts[0]
  return typeof letter === "string" && footerGap(letter)
}
