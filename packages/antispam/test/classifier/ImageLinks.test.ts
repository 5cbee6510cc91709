// image_link_little_text: a link whose only content is a picture, in a message with little text
// to read, on synthetic mail through the whole tokenizer; and the link count on any HTML.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { analyseHtml } from "../../src/classifier/Html.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const html = (body: string) => tokenize(parse(rfc822({ subject: "news", body, html: true }))).features
const picture = `<a href="http://shop.example.com/offer"><img src="http://img.example.com/offer.gif" width=400></a>`
const shortText = "Our best prices of the year, this week only."
const longText =
  "The committee met on Tuesday to review the draft budget. It agreed to publish the minutes next week, " +
  "to ask the treasurer for a summary of the accounts, and to meet again in March. The chair thanked the " +
  "members for their work on the spring fair, which raised more than last year. Photos are on the site, " +
  "and the programme for the summer concerts follows with the next letter, once the hall has confirmed the dates."

describe("image_link_little_text", () => {
  it("a picture to click and a line of text", () => {
    expect(html(`<p>${shortText}</p>${picture}`)).toContain("image_link_little_text")
    // Blanks and non-breaking spaces around the picture are no text of the link.
    const spaced = `<a href="http://shop.example.com/"> &nbsp;<IMG SRC="http://img.example.com/b.gif"/>&nbsp; </a>`
    expect(html(`<p>${shortText}</p>${spaced}`)).toContain("image_link_little_text")
  })

  it("not when the message has text to read", () => {
    expect(html(`<p>${longText}</p>${picture}`)).not.toContain("image_link_little_text")
  })

  // Chinese, Japanese and Korean write a syllable or a word per character: 250 characters are a
  // newsletter's news, the text of about 750 letters (round 42; round 41's Chinese bookshop).
  it("measures the text by what it says: a Chinese, Japanese or Korean text of 250 characters is not little", () => {
    const news = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)
    for (const unit of ["本周新书推荐，欢迎选购。", "今週の新刊をご案内します。", "이번 주 신간을 안내합니다."]) {
      expect(html(`<p>${news(unit, 250)}</p>${picture}`)).not.toContain("image_link_little_text")
      expect(html(`<p>${news(unit, 40)}</p>${picture}`)).toContain("image_link_little_text")
    }
  })

  test.prop([fc.integer({ min: 0, max: 160 }), fc.integer({ min: 0, max: 320 })])(
    "a picture link beside Han characters and Latin letters: little text below 300 letters' worth",
    (ideographs, latin) => {
      const text = `${"书".repeat(ideographs)} ${"a".repeat(latin)}`
      const little = 3 * ideographs + latin < 300
      expect(html(`<p>${text}</p>${picture}`).includes("image_link_little_text")).toBe(little)
    }
  )

  it("not for a picture whose link also has words, a link without a picture, or a picture without a link", () => {
    const captioned = `<a href="http://shop.example.com/"><img src="http://img.example.com/a.gif"> Spring sale</a>`
    expect(html(`<p>${shortText}</p>${captioned}`)).not.toContain("image_link_little_text")
    const worded = `<a href="http://shop.example.com/">See the offer</a>`
    expect(html(`<p>${shortText}</p>${worded}`)).not.toContain("image_link_little_text")
    expect(html(`<p>${shortText}</p><img src="http://img.example.com/a.gif">`)).not.toContain("image_link_little_text")
    // An anchor without a target is no link.
    expect(html(`<p>${shortText}</p><a name="top"><img src="http://img.example.com/a.gif"></a>`)).not.toContain(
      "image_link_little_text"
    )
  })
})

describe("analyseHtml image links", () => {
  it("counts each link whose only content is a picture", () => {
    expect(analyseHtml([`${picture}<p>text</p>${picture}`]).imageLinks).toBe(2)
    expect(analyseHtml([`<a href="http://a.example/">words</a>`]).imageLinks).toBe(0)
  })

  test.prop([fc.string({ maxLength: 400 }), fc.nat({ max: 5 })])(
    "never throws, and adding a picture link to any HTML adds one",
    (text, n) => {
      const base = analyseHtml([`<p>${text.replace(/[<>&]/g, " ")}</p>`]).imageLinks
      expect(base).toBe(0)
      const withLinks = `<p>${text.replace(/[<>&]/g, " ")}</p>${picture.repeat(n)}`
      expect(analyseHtml([withLinks]).imageLinks).toBe(n)
    }
  )

  test.prop([fc.string({ maxLength: 600 })])("any markup: a count, never more than the anchors", (markup) => {
    const r = analyseHtml([markup])
    expect(Number.isInteger(r.imageLinks)).toBe(true)
    expect(r.imageLinks).toBeLessThanOrEqual((markup.match(/<a\s/gi) ?? []).length)
  })
})
