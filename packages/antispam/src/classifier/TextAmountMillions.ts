/**
 * `text_amount_millions`: a text that writes a sum of millions in full digits after a currency sign
 * or code (`$20,500,000`, `US$37,400,000.00`, `USD 12.000.000`). The advance-fee letter's fund and
 * the lottery's prize are spelt out to the last digit, to look like a bank's figure; people and
 * companies write such sums as `$20.5 million`, and the amounts they write in full digits (prices,
 * invoices, salaries) stay under a million.
 *
 * Counted on the training corpus (all subsets, 4,150 ham / 1,896 spam): 0 ham, 86 spam of both
 * eras, 17 of them missed by the shipped model on its features alone, 11 of those at 0.6 or more
 * (`bench/classifier-body31-candidates.mjs`, docs/classifier.md round 43).
 *
 * @category constructors
 * @since 0.5.0
 */

import { CURRENCY_SIGNS, isDigit } from "./CurrencySign.ts"

/** Characters read of one text: a letter's sums are in its first pages. */
const MAX_CHARS = 50_000

const SPACE = 32
const COMMA = 44
const DOT = 46

const isLetter = (c: number): boolean => (c | 32) >= 97 && (c | 32) <= 122

/** Currency codes written before a sum (`USD 1,000,000`); a sign (`$`, `£`, `€`) is found by itself. */
const CODES = ["USD", "EUR", "GBP"] as const

/**
 * Whether the sum written from `text[i]` (after a sign or code, one blank allowed) is in millions in
 * full digits: one to three digits, then two or more groups of three parted by one separator, `,` or
 * `.` (the same each time), the last group not running on into another digit.
 */
export const millionsAt = (text: string, i: number): boolean => {
  let p = i
  if (text.charCodeAt(p) === SPACE) p++
  const lead = p
  while (p < text.length && isDigit(text.charCodeAt(p)) && p - lead < 4) p++
  const digits = p - lead
  if (digits < 1 || digits > 3) return false
  const separator = text.charCodeAt(p)
  if (separator !== COMMA && separator !== DOT) return false
  let groups = 0
  while (text.charCodeAt(p) === separator) {
    const from = p + 1
    if (!(isDigit(text.charCodeAt(from)) && isDigit(text.charCodeAt(from + 1)) && isDigit(text.charCodeAt(from + 2))))
      break
    p = from + 3
    groups++
  }
  return groups >= 2 && !isDigit(text.charCodeAt(p))
}

/** Whether a currency sign (`$`, `£`, `€`) is followed by a sum of millions. */
const signedMillions = (text: string): boolean => {
  for (const sign of CURRENCY_SIGNS)
    for (let at = text.indexOf(sign); at >= 0; at = text.indexOf(sign, at + 1))
      if (millionsAt(text, at + 1)) return true
  return false
}

/** Whether a currency code standing as a word of its own (`USD`, not `XUSD`) is followed by a sum of millions. */
const codedMillions = (text: string): boolean => {
  for (const code of CODES)
    for (let at = text.indexOf(code); at >= 0; at = text.indexOf(code, at + 1))
      if ((at === 0 || !isLetter(text.charCodeAt(at - 1))) && millionsAt(text, at + code.length)) return true
  return false
}

/** Whether `text` writes a sum of millions in full digits after a currency sign or code. */
const writesMillions = (text: string): boolean => signedMillions(text) || codedMillions(text)

/** Whether one of `texts` (a message's decoded texts) writes a sum of millions in full digits after a currency sign or code. */
export const textAmountMillions = (texts: ReadonlyArray<unknown>): boolean => {
  for (const t of texts) {
    if (typeof t !== "string") continue
    if (writesMillions(t.length > MAX_CHARS ? t.slice(0, MAX_CHARS) : t)) return true
  }
  return false
}
