// text_blank_spacing: a short text whose paragraphs are parted by three or more lines of blanks of
// one width, on synthetic mail through the whole tokenizer and on the check itself; empty lines,
// stray blanks, lines of other widths, long texts (digests, newsletters) never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { fewerLetters, SHORT_LETTERS, textBlankSpacing } from "../../src/classifier/TextBlankSpacing.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { textBlankSpacing as textBlankSpacingBefore } from "./oracle/TextBlankSpacingBefore.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string) => tokenize(parse(rfc822({ subject: "Hello", body }))).features
const paragraphs = [
  "Are you wasting money EVERY SINGLE MONTH?",
  "Home Mortgage Rates have DROPPED!",
  "Simply fill out our FREE NO OBLIGATION form and find out how much you can save.",
  "Visit our website:\r\nhttp://www.example.com/"
]
/** The paragraphs parted by `spacer` lines (each between two paragraphs). */
const spaced = (spacer: string, parts = paragraphs) => parts.join(`\r\n${spacer}\r\n`)

describe("text_blank_spacing", () => {
  it("a short offer spaced by lines of blanks of one width", () => {
    expect(features(spaced("       "))).toContain("text_blank_spacing")
    expect(features(spaced("   "))).toContain("text_blank_spacing")
    expect(textBlankSpacing([spaced("       ").replace(/\r/g, "")])).toBe(true)
  })

  it("not for empty lines, stray blanks, tabs or lines of different widths", () => {
    expect(features(spaced(""))).not.toContain("text_blank_spacing")
    expect(features(spaced(" "))).not.toContain("text_blank_spacing")
    expect(features(spaced("  "))).not.toContain("text_blank_spacing")
    expect(features(spaced("\t\t\t"))).not.toContain("text_blank_spacing")
    const mixed = [paragraphs[0], "   ", paragraphs[1], "    ", paragraphs[2], "     ", paragraphs[3]].join("\r\n")
    expect(features(mixed)).not.toContain("text_blank_spacing")
    // Two lines of one width are chance; the third makes the template.
    expect(textBlankSpacing([["a", "    ", "b", "    ", "c"].join("\n")])).toBe(false)
    expect(textBlankSpacing([["a", "    ", "b", "    ", "c", "    ", "d"].join("\n")])).toBe(true)
  })

  it("not for a long text with the same spacing (a digest, a newsletter)", () => {
    const sentence = "The committee met on Tuesday and agreed on the budget for next year. "
    const long = spaced("       ", [...paragraphs, sentence.repeat(20)])
    expect(fewerLetters(long, SHORT_LETTERS)).toBe(false)
    expect(features(long)).not.toContain("text_blank_spacing")
  })

  it("letters of other scripts count towards the length", () => {
    expect(fewerLetters("abc", 4)).toBe(true)
    expect(fewerLetters("abcd", 4)).toBe(false)
    expect(fewerLetters("1234 !!! ... 5678", 1)).toBe(true)
    expect(fewerLetters("Привет", 6)).toBe(false)
    expect(fewerLetters("日本語の", 4)).toBe(false)
  })

  it("reads every text and skips what is not one", () => {
    expect(textBlankSpacing(["Hello.", spaced("     ")])).toBe(true)
    expect(textBlankSpacing([])).toBe(false)
    expect(textBlankSpacing([undefined, 42, null])).toBe(false)
  })

  test.prop([fc.array(fc.oneof(fc.string({ maxLength: 3000 }), fc.anything()), { maxLength: 5 })])(
    "never throws on any texts",
    (texts) => {
      expect(typeof textBlankSpacing(texts)).toBe("boolean")
    }
  )

  test.prop([fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [A-Za-z][a-z]{0,8}){0,9}[.,!]?$/), { maxLength: 40 })])(
    "lines of words parted by empty lines never count",
    (lines) => {
      expect(textBlankSpacing([lines.join("\n\n")])).toBe(false)
    }
  )

  test.prop([fc.integer({ min: 3, max: 40 }), fc.integer({ min: 3, max: 8 })])(
    "any width of three or more, three or more times, in a short text counts",
    (width, times) => {
      const text = Array.from({ length: times }, (_, i) => `Offer ${i}!\n${" ".repeat(width)}`).join("\n")
      expect(textBlankSpacing([`${text}\nhttp://example.com/`])).toBe(true)
    }
  )

  // The walk from line feed to line feed against the search it replaced (oracle/): lines of blanks
  // of a few widths, CRs before and inside lines, an unended last line, tabs and letters.
  const line = fc.oneof(
    fc.constantFrom("", " ", "  ", "   ", "    ", "     ", "\t  ", "   \r", "    \r", "\r   ", " \r  ", "\r"),
    fc.stringMatching(/^[a !\r\t]{0,8}$/)
  )
  test.prop([fc.array(fc.array(line, { maxLength: 12 }), { maxLength: 3 }), fc.constantFrom("\n", "\r\n")], {
    numRuns: 2000
  })("gives what the search for blank line ends gave, on any lines", (texts, end) => {
    const joined = texts.map((lines) => lines.join(end))
    expect(textBlankSpacing(joined)).toBe(textBlankSpacingBefore(joined))
    for (const t of joined) expect(textBlankSpacing([t])).toBe(textBlankSpacingBefore([t]))
  })

  test.prop([fc.string({ unit: fc.constantFrom(" ", "\n", "\r", "a", "\t"), maxLength: 80 })], { numRuns: 2000 })(
    "gives what the search for blank line ends gave, on any text of blanks and line ends",
    (text) => {
      expect(textBlankSpacing([text])).toBe(textBlankSpacingBefore([text]))
    }
  )

  it("an unended last line of blanks counts", () => {
    const text = ["a", "   ", "b", "   ", "c", "   "].join("\n")
    expect(textBlankSpacing([text])).toBe(true)
    expect(textBlankSpacing([`${text}\r`])).toBe(true)
    expect(textBlankSpacing([`${text} `])).toBe(false)
  })
})
