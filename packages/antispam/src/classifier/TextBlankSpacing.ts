/**
 * `text_blank_spacing`: a short text whose paragraphs are parted by lines of blanks, three or more
 * lines of only spaces (three or more) all of one width. An editor's empty paragraphs (`&nbsp;`
 * runs) saved as text by a bulk tool, the same run each time: people's mail programs part
 * paragraphs by empty lines. Long texts also carry such lines (a digest's or a newsletter's
 * indented layout, a quoted table): 8 ham of 4,150, every one of them over 1,800 letters, so only a
 * text of fewer than 1,000 letters counts, the length of an offer and a link.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 44 spam of both
 * eras, 34 of them missed by the shipped model on its features alone, 17 of those at 0.6 or more
 * (`bench/classifier-body30-candidates.mjs`, docs/classifier.md round 39).
 *
 * @category constructors
 * @since 0.5.0
 */

/** Letters below which a text is short: an offer and its link, not a letter, a digest or a newsletter. */
export const SHORT_LETTERS = 1_000
/** Lines of blanks of one width that make the spacing: two can be chance, three are the template. */
const SPACER_LINES = 3
/** The fewest blanks of a spacer line: a line of one or two is a stray space an editor left. */
const SPACER_WIDTH = 3
/** Characters read of one text: a short text's spacing is in them, a long one is not short. */
const MAX_CHARS = 20_000

const SPACE = 32
const CR = 13

/**
 * Whether `text` has fewer than `limit` letters, reading no further than the `limit`th: ASCII
 * letters and every character from U+00C0 (the letters of other scripts, roughly), so that a text
 * in another script is as long as its words make it.
 */
export const fewerLetters = (text: string, limit: number): boolean => {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (((c | 32) >= 97 && (c | 32) <= 122) || c >= 0xc0) if (++n >= limit) return false
  }
  return true
}

/** The width of `text[from, to)` when it is only spaces (a CR at its end dropped), else 0. */
const spacerWidth = (text: string, from: number, to: number): number => {
  const end = to > from && text.charCodeAt(to - 1) === CR ? to - 1 : to
  for (let i = from; i < end; i++) if (text.charCodeAt(i) !== SPACE) return 0
  return end - from
}

/** Whether the line of `text` that ends at `end` (a line feed's offset) ends in `SPACER_WIDTH` blanks, a CR after them dropped. */
const endsInBlanks = (text: string, start: number, end: number): boolean => {
  const e = text.charCodeAt(end - 1) === CR ? end - 1 : end
  return (
    e - start >= SPACER_WIDTH &&
    text.charCodeAt(e - 1) === SPACE &&
    text.charCodeAt(e - 2) === SPACE &&
    text.charCodeAt(e - 3) === SPACE
  )
}

/**
 * Whether `text` has `SPACER_LINES` lines of only spaces, `SPACER_WIDTH` or more, of one width.
 *
 * The walk goes from line feed to line feed by native search (they are rare) and reads a line only
 * when it ends in three blanks, which a spacer line does. The search for `"   \n"` that ruled out
 * most texts before cost more than this walk: it stopped at every space of the text (its first
 * character), and the peer workload's texts, none of which holds one, paid it in full
 * (docs/performance.md, "The classifier on new texts, 2026-12-07 afternoon").
 */
const spacedByBlanks = (text: string): boolean => {
  let widths: Map<number, number> | undefined
  let start = 0
  for (;;) {
    const nl = text.indexOf("\n", start)
    // No line feed ended by blanks: the unended last line would be the only spacer line.
    if (nl < 0 && widths === undefined) return false
    const end = nl < 0 ? text.length : nl
    if (nl < 0 || endsInBlanks(text, start, end)) {
      widths ??= new Map()
      const width = spacerWidth(text, start, end)
      if (width >= SPACER_WIDTH) {
        const n = (widths.get(width) ?? 0) + 1
        if (n >= SPACER_LINES) return true
        widths.set(width, n)
      }
    }
    if (nl < 0) return false
    start = nl + 1
  }
}

/** Whether one of `texts` (a message's decoded texts) is short and spaced by lines of blanks of one width. */
export const textBlankSpacing = (texts: ReadonlyArray<unknown>): boolean => {
  for (const t of texts) {
    if (typeof t !== "string") continue
    const text = t.length > MAX_CHARS ? t.slice(0, MAX_CHARS) : t
    if (spacedByBlanks(text) && fewerLetters(t, SHORT_LETTERS)) return true
  }
  return false
}
