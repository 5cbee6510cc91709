// text_trailing_junk: a text whose last line is one random string of letters and digits, on
// synthetic mail through the whole tokenizer and on the check itself; the ends of ordinary mail
// (names, signatures, order numbers after a label or in capitals, hashes) never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { junkLine, textTrailingJunk } from "../../src/classifier/TextTrailingJunk.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string, html = false) => tokenize(parse(rfc822({ subject: "Hello", body, html }))).features
const letter = "We are looking for people who want to work from home.\r\nVisit our site for details.\r\n"

describe("text_trailing_junk", () => {
  it("a bulk tool's random tail as the last line", () => {
    expect(features(`${letter}\r\n4139vOLW7-758DoDY1425FRhM1-764SMFc8513fCsLl40\r\n\r\n`)).toContain(
      "text_trailing_junk"
    )
    expect(features(`${letter}xay1992351y`)).toContain("text_trailing_junk")
    expect(features(`${letter}  4486eyRl1-291l12  \r\n`)).toContain("text_trailing_junk")
  })

  it("read from the text an HTML part reduces to as well", () => {
    expect(
      features("<html><body><p>Great offer inside.</p><p>1615yJSf3-097aMZO3102nQJY2-892l28</p></body></html>", true)
    ).toContain("text_trailing_junk")
  })

  it("not for the ends of ordinary mail", () => {
    for (const end of [
      "Best regards,\r\nJohn",
      "--\r\nJohn Smith\r\njohn@example.net",
      "john1978",
      "release-2",
      "abc-123",
      "Order number: ord2026abc12",
      "ORD-2026-ABC123",
      "1Z999AA10123456784",
      "3f9a2b8c1d7e4f60a9b8c7d6e5f4a3b2c1d0e9f8",
      "2026-06-01",
      "See you at 10am2pm tomorrow",
      "x1y2",
      "http://example.com/a1b2c3d4"
    ])
      expect(features(`${letter}${end}\r\n`), end).not.toContain("text_trailing_junk")
    expect(features("")).not.toContain("text_trailing_junk")
  })

  it("only the last line counts", () => {
    expect(textTrailingJunk(["xay1992351y\nThanks for reading."])).toBe(false)
    expect(textTrailingJunk(["Thanks for reading.", "xay1992351y\n \n"])).toBe(true)
    expect(textTrailingJunk([])).toBe(false)
    // Blank lines only, the first one empty: a loop that read upwards from it never ended.
    expect(textTrailingJunk(["\n", "\n\n \n", "\r\n\r\n"])).toBe(false)
    expect(textTrailingJunk(["\nxay1992351y\n\n"])).toBe(true)
  })

  test.prop([fc.array(fc.string({ maxLength: 3000 }), { maxLength: 5 })])("never throws on any texts", (texts) => {
    expect(typeof textTrailingJunk(texts)).toBe("boolean")
  })

  test.prop([
    fc.array(
      fc.stringMatching(/^[a-z0-9 \r\n-]{0,300}$/).map((s) => s.replace(/^/, "\n")),
      { maxLength: 5 }
    )
  ])("never throws, nor loops, on texts of lines", (texts) => {
    expect(typeof textTrailingJunk(texts)).toBe("boolean")
  })

  test.prop([fc.stringMatching(/^[A-Za-z]{1,20}$/), fc.stringMatching(/^[0-9]{1,20}$/)])(
    "a word with a number after it is no junk",
    (word, number) => {
      expect(junkLine(`${word}${number}`)).toBe(false)
      expect(junkLine(`${word}-${number}`)).toBe(false)
    }
  )

  test.prop([
    fc.stringMatching(/^[a-z]{1,10}$/),
    fc.stringMatching(/^[0-9]{1,10}$/),
    fc.stringMatching(/^[A-Za-z]{1,10}$/)
  ])("letters, digits and letters again in 8 to 80 characters, with a lower-case letter, count", (a, d, b) => {
    const line = `${a}${d}${b}`
    fc.pre(line.length >= 8 && !/^[0-9a-f]+$/i.test(line))
    expect(junkLine(line)).toBe(true)
    expect(textTrailingJunk([`Some text.\n${line}\n`])).toBe(true)
  })
})
