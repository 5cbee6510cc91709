/**
 * `text_shouted_links`: a short text that exclaims and points at links: three or more lines ending
 * in `!`, two or more lines that are a link alone (`http://…`, `https://…`, `www.…`), fewer than 800
 * letters. The shape of an advertisement: a few shouted lines, each call to action a bare link to
 * click. People exclaim, and paste links on lines of their own, but in a short message not both:
 * 13 ham of 4,150 have two such lines and two links (announcements, a friend's link), none three.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 85 spam of both
 * eras, 25 of them missed by the shipped model on its features alone, 15 of those at 0.6 or more
 * (`bench/classifier-body30-candidates.mjs`, docs/classifier.md round 39).
 *
 * @category constructors
 * @since 0.5.0
 */
import { MessageModel } from "@mailmoat/core"
import { fewerLetters } from "./TextBlankSpacing.ts"
import { someTrimmedLine } from "./TrimmedLines.ts"

/** White space as `trim` removes it (core's test, shared by its scans). */
const { isWhitespace } = MessageModel

/** Letters below which the text is short: a few lines of offer, not a letter or a newsletter. */
const SHORT_LETTERS = 800
const SHOUTED_LINES = 3
const LINK_LINES = 2
/** Characters read of one text: a short text's lines are in them, a long one is not short. */
const MAX_CHARS = 20_000

const EXCLAIM = 33
const LINK_START = /^<?(?:https?:\/\/|www\.)/i

/** Whether `text[from, to)` (trimmed, not empty) is a link alone: a link's start and no blank in it. */
const linkAlone = (text: string, from: number, to: number): boolean => {
  if (to - from < 8) return false
  for (let i = from; i < to; i++) if (isWhitespace(text.charCodeAt(i))) return false
  return LINK_START.test(text.slice(from, Math.min(to, from + 9)))
}

/** Whether `text` has a `!` and a link's start: most texts lack one, and native searches find out. */
const mayShout = (text: string): boolean => text.includes("!") && (text.includes("://") || text.includes("www."))

/** Whether `text` has `SHOUTED_LINES` lines ending in `!` and `LINK_LINES` lines that are a link alone. */
const shoutsAndLinks = (text: string): boolean => {
  let shouted = 0
  let links = 0
  return someTrimmedLine(text, (from, to) => {
    if (text.charCodeAt(to - 1) === EXCLAIM) shouted++
    else if (linkAlone(text, from, to)) links++
    return shouted >= SHOUTED_LINES && links >= LINK_LINES ? true : undefined
  })
}

/** Whether one of `texts` (a message's decoded texts) is short, exclaims on three lines and has two links alone on lines. */
export const textShoutedLinks = (texts: ReadonlyArray<unknown>): boolean => {
  for (const t of texts) {
    if (typeof t !== "string") continue
    const text = t.length > MAX_CHARS ? t.slice(0, MAX_CHARS) : t
    // The letters first: they stop at the 800th, where a long text's lines would be read to its end.
    if (mayShout(text) && fewerLetters(t, SHORT_LETTERS) && shoutsAndLinks(text)) return true
  }
  return false
}
