// The tokenizer names round 39's offer-layout traits (OfferLayout.ts) among its features: a short
// text spaced by lines of blanks and a short text of shouted lines and bare links reach `feat:`
// tokens, which the layer weighs towards spam in a late stage of their own.
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { offerLayoutFeatures } from "../../src/classifier/OfferLayout.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const message = (body: string) => parse(rfc822({ subject: "Hi", body }))

describe("offer layout traits through the tokenizer", () => {
  it("names each trait a message carries", () => {
    const spaced = ["Rates have DROPPED!", "      ", "Act now!", "      ", "Visit us:", "      ", "http://example.com/"]
    expect(offerLayoutFeatures(message(spaced.join("\r\n")))).toEqual(["text_blank_spacing"])
    const shouted = ["Save now!", "http://example.com/a", "Act today!", "http://example.com/b", "Limited offer!"]
    expect(offerLayoutFeatures(message(shouted.join("\r\n")))).toEqual(["text_shouted_links"])
    const both = message([...spaced, ...shouted].join("\r\n"))
    expect(offerLayoutFeatures(both)).toEqual(["text_blank_spacing", "text_shouted_links"])
    expect(tokenize(both).features).toEqual(expect.arrayContaining(["text_blank_spacing", "text_shouted_links"]))
    expect(tokenize(both).tokens).toEqual(
      expect.arrayContaining(["feat:text_blank_spacing", "feat:text_shouted_links"])
    )
  })

  it("names nothing for a message with neither", () => {
    expect(offerLayoutFeatures(message("Hello.\r\n\r\nSee you tomorrow!\r\n"))).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of their own", () => {
    expect(FEATURE_SIGNS.text_blank_spacing).toBe(1)
    expect(FEATURE_SIGNS.text_shouted_links).toBe(1)
    expect(LATE_STAGES).toContainEqual(["text_blank_spacing", "text_shouted_links"])
  })
})
