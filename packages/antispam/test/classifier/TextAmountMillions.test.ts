// text_amount_millions: a sum of millions in full digits after a currency sign or code, on
// synthetic mail through the whole tokenizer and on the check itself; sums under a million, sums
// written in words, numbers without a currency and runs of digits never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { millionsAt, textAmountMillions } from "../../src/classifier/TextAmountMillions.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string) => tokenize(parse(rfc822({ subject: "Hello", body }))).features
const letter = (sum: string) =>
  [
    "Dear Sir,",
    "",
    `We discovered an abandoned sum of ${sum} in an account that belongs to a late customer.`,
    "",
    "Yours faithfully,"
  ].join("\r\n")

describe("text_amount_millions", () => {
  it("a sum of millions after a sign or a code, any grouping and spacing", () => {
    for (const sum of [
      "$20,500,000",
      "US$37,400,000.00",
      "( $49,500,000 )",
      "$ 1,000,000",
      "£3,000,000",
      "€12.500.000",
      "USD 18,000,000",
      "USD15,000,000",
      "EUR 2.000.000,00",
      "$1,250,000,000"
    ]) {
      expect(features(letter(sum)), sum).toContain("text_amount_millions")
      expect(textAmountMillions([letter(sum)]), sum).toBe(true)
    }
  })

  it("not under a million, in words, without a currency, or a run of digits", () => {
    for (const sum of [
      "$999,999",
      "$20.5 million",
      "USD 48M",
      "20,500,000 people",
      "$1234,567,890",
      "$1,000,0",
      "$1,000.000",
      "$1,000,0000",
      "XUSD 1,000,000",
      "$$",
      "$"
    ]) {
      expect(features(letter(sum)), sum).not.toContain("text_amount_millions")
      expect(textAmountMillions([letter(sum)]), sum).toBe(false)
    }
  })

  it("reads the sum from where its sign ends", () => {
    expect(millionsAt("$20,500,000", 1)).toBe(true)
    expect(millionsAt("$ 20,500,000", 1)).toBe(true)
    expect(millionsAt("$  20,500,000", 1)).toBe(false)
    expect(millionsAt("$20,500", 1)).toBe(false)
    expect(millionsAt("$", 1)).toBe(false)
  })

  it("reads every text and skips what is not one", () => {
    expect(textAmountMillions(["Hello.", "a prize of $2,000,000!"])).toBe(true)
    expect(textAmountMillions([])).toBe(false)
    expect(textAmountMillions([undefined, 7, { $: 1 }])).toBe(false)
  })

  test.prop([fc.array(fc.oneof(fc.string({ maxLength: 3000 }), fc.anything()), { maxLength: 5 })])(
    "never throws on any texts",
    (texts) => {
      expect(typeof textAmountMillions(texts)).toBe("boolean")
    }
  )

  test.prop([fc.string({ maxLength: 200 }), fc.integer({ min: -5, max: 300 })])(
    "never throws reading from any place",
    (text, i) => {
      expect(typeof millionsAt(text, i)).toBe("boolean")
    }
  )

  test.prop([
    fc.integer({ min: 1_000_000, max: Number.MAX_SAFE_INTEGER }),
    fc.constantFrom("$", "£", "€", "US$", "USD ")
  ])("any sum of a million or more written with thousands separators counts", (n, sign) => {
    expect(textAmountMillions([`a fund of ${sign}${n.toLocaleString("en-US")} is waiting`])).toBe(true)
  })

  test.prop([fc.integer({ min: 0, max: 999_999 }), fc.constantFrom("$", "£", "€", "US$", "USD ")])(
    "no sum under a million counts",
    (n, sign) => {
      expect(textAmountMillions([`a price of ${sign}${n.toLocaleString("en-US")}.00 only`])).toBe(false)
    }
  )
})
