/**
 * `text_pitch_opening`: a text that opens on a headline, its first line ending in `!` or `?`
 * (`Have tax problems?`, `WAKE UP!`), and goes on selling: four more lines ending in `!`, or three
 * lines with an amount of money or a percentage. A person's letter opens with a greeting or a
 * sentence about its matter, and a headline opening alone is in ham (`Hello folks!`, a question
 * to a list, `Good idea!`: 78 of 4,150 start so); with the shouted or priced lines of an
 * advertisement after it, none. A greeting by name that ends in `!` (`Olá, Fernanda!`, a shop's
 * newsletter to its customer, in the test fixtures) is no headline: a first line of four words or
 * fewer with a comma is left out (no spam of the corpus opens so and is counted).
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 165 spam of both
 * eras, 29 of them missed by the shipped model on its features alone, 20 of those at 0.6 or more
 * (`bench/classifier-body31-candidates.mjs`, docs/classifier.md round 43).
 *
 * @category constructors
 * @since 0.5.0
 */
import { MessageModel } from "@mailmoat/core"
import { isCurrencySign, isDigit } from "./CurrencySign.ts"
import { someTrimmedLine } from "./TrimmedLines.ts"

/** White space as `trim` removes it (core's test, shared by its scans). */
const { isWhitespace } = MessageModel

/** Lines after the headline ending in `!` that make the text a pitch. */
const SHOUTED_LINES = 4
/** Lines with an amount or a percentage (the headline's included) that make the text a pitch. */
const PRICED_LINES = 3
/** The most words of a greeting by name (`Hi there, Bob!`), which is not a headline. */
const VOCATIVE_WORDS = 4
/** Characters read of one text: an advertisement's pitch is in them. */
const MAX_CHARS = 20_000

const EXCLAIM = 33
const QUESTION = 63
const PERCENT = 37
const SPACE = 32
const COMMA = 44

/** Whether `text[from, to)` has an amount (`$5`, `£ 20`) or a percentage (`40%`, `5 %`). */
const priced = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (isCurrencySign(c)) {
      const next = text.charCodeAt(i + 1) === SPACE && i + 2 < to ? i + 2 : i + 1
      if (next < to && isDigit(text.charCodeAt(next))) return true
    } else if (c === PERCENT && i > from) {
      const prev = text.charCodeAt(i - 1) === SPACE && i - 2 >= from ? i - 2 : i - 1
      if (isDigit(text.charCodeAt(prev))) return true
    }
  }
  return false
}

/** Whether `text[from, to)` (trimmed) greets by name: a comma in it and `VOCATIVE_WORDS` words or fewer. */
const vocative = (text: string, from: number, to: number): boolean => {
  let comma = false
  let words = 1
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c === COMMA) comma = true
    else if (isWhitespace(c) && !isWhitespace(text.charCodeAt(i - 1)) && ++words > VOCATIVE_WORDS) return false
  }
  return comma
}

/** Whether `text`'s first non-blank line ends in `!` or `?` and the lines after it sell. */
const opensOnPitch = (text: string): boolean => {
  let shouted = 0
  let pricedLines = 0
  let first = true
  return someTrimmedLine(text, (from, to) => {
    const last = text.charCodeAt(to - 1)
    if (first) {
      // Most texts end here: their first line is a greeting or a sentence.
      if ((last !== EXCLAIM && last !== QUESTION) || vocative(text, from, to)) return false
      first = false
    } else if (last === EXCLAIM && ++shouted >= SHOUTED_LINES) return true
    if (priced(text, from, to) && ++pricedLines >= PRICED_LINES) return true
    return undefined
  })
}

/** Whether one of `texts` (a message's decoded texts) opens on a headline and goes on selling. */
export const textPitchOpening = (texts: ReadonlyArray<unknown>): boolean => {
  for (const t of texts) {
    if (typeof t !== "string") continue
    if (opensOnPitch(t.length > MAX_CHARS ? t.slice(0, MAX_CHARS) : t)) return true
  }
  return false
}
