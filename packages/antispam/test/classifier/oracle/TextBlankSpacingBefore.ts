// TextBlankSpacing.ts as it was before its walk went from line feed to line feed: the oracle
// TextBlankSpacing.test.ts compares the current code with. Kept verbatim but for the module header and
// `fewerLetters`, which did not change (imported).

import { fewerLetters, SHORT_LETTERS } from "../../../src/classifier/TextBlankSpacing.ts"

/** Lines of blanks of one width that make the spacing: two can be chance, three are the template. */
const SPACER_LINES = 3
/** The fewest blanks of a spacer line: a line of one or two is a stray space an editor left. */
const SPACER_WIDTH = 3
/** Characters read of one text: a short text's spacing is in them, a long one is not short. */
const MAX_CHARS = 20_000

const SPACE = 32
const CR = 13

/** The width of `text[from, to)` when it is only spaces (a CR at its end dropped), else 0. */
const spacerWidth = (text: string, from: number, to: number): number => {
  const end = to > from && text.charCodeAt(to - 1) === CR ? to - 1 : to
  for (let i = from; i < end; i++) if (text.charCodeAt(i) !== SPACE) return 0
  return end - from
}

/** Whether `text` has `SPACER_LINES` lines of only spaces, `SPACER_WIDTH` or more, of one width. */
const spacedByBlanks = (text: string): boolean => {
  // Most texts have no run of three spaces before a line end: a native search rules them out.
  if (!text.includes("   \n") && !text.includes("   \r\n")) return false
  const widths = new Map<number, number>()
  let start = 0
  while (start < text.length) {
    const nl = text.indexOf("\n", start)
    const end = nl < 0 ? text.length : nl
    const width = spacerWidth(text, start, end)
    if (width >= SPACER_WIDTH) {
      const n = (widths.get(width) ?? 0) + 1
      if (n >= SPACER_LINES) return true
      widths.set(width, n)
    }
    start = end + 1
  }
  return false
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
