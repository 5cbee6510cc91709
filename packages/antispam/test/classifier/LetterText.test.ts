// The tokenizer names round 47's letter traits (LetterText.ts) among its features: a letter head
// typed into the text reaches a `feat:` token, which the layer weighs towards spam in a late stage
// of its own.
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { letterTextFeatures } from "../../src/classifier/LetterText.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const message = (body: string) => parse(rfc822({ subject: "Business proposal", body }))
const paragraph = [
  "I write to seek your help in moving a deposit my late father left with a",
  "security company here, and I need a partner abroad to receive it for us.",
  ""
]
const letter = [...Array(8).fill(paragraph).flat(), "Yours faithfully,", "Kone Bakar"]

describe("letter text traits through the tokenizer", () => {
  it("names each trait a message carries", () => {
    const head = message(
      ["FROM: KONE BAKAR", "EMAIL: kone@example.net", "", "ATTN: DIRECTOR.", "", ...letter].join("\r\n")
    )
    expect(letterTextFeatures(head)).toEqual(["text_letter_head"])
    expect(tokenize(head).features).toContain("text_letter_head")
    expect(tokenize(head).tokens).toContain("feat:text_letter_head")
  })

  it("names nothing for a letter without a head", () => {
    expect(letterTextFeatures(message(["Dear Sir,", "", ...letter].join("\r\n")))).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.text_letter_head).toBe(1)
    expect(LATE_STAGES).toContainEqual(["text_letter_head"])
  })
})
