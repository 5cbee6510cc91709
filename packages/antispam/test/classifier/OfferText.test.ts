// The tokenizer names round 43's offer-text traits (OfferText.ts) among its features: a sum of
// millions in full digits and a headline opening that goes on selling reach `feat:` tokens, which
// the layer weighs towards spam in a late stage of their own.
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { offerTextFeatures } from "../../src/classifier/OfferText.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const message = (body: string) => parse(rfc822({ subject: "Hi", body }))

describe("offer text traits through the tokenizer", () => {
  it("names each trait a message carries", () => {
    const fund = ["Dear Sir,", "The fund of US$37,400,000.00 awaits its heir.", "Yours faithfully,"]
    expect(offerTextFeatures(message(fund.join("\r\n")))).toEqual(["text_amount_millions"])
    const pitch = ["WAKE UP!", "Rates are DOWN!", "Act now!", "Save more!", "Call today!"]
    expect(offerTextFeatures(message(pitch.join("\r\n")))).toEqual(["text_pitch_opening"])
    const both = message([...pitch, ...fund].join("\r\n"))
    expect(offerTextFeatures(both)).toEqual(["text_amount_millions", "text_pitch_opening"])
    expect(tokenize(both).features).toEqual(expect.arrayContaining(["text_amount_millions", "text_pitch_opening"]))
    expect(tokenize(both).tokens).toEqual(
      expect.arrayContaining(["feat:text_amount_millions", "feat:text_pitch_opening"])
    )
  })

  it("names nothing for a message with neither", () => {
    expect(offerTextFeatures(message("Hello.\r\n\r\nThe invoice is $1,250.00!\r\n"))).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of their own", () => {
    expect(FEATURE_SIGNS.text_amount_millions).toBe(1)
    expect(FEATURE_SIGNS.text_pitch_opening).toBe(1)
    expect(LATE_STAGES).toContainEqual(["text_amount_millions", "text_pitch_opening"])
  })
})
