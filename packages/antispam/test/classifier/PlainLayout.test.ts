// The tokenizer names round 59's plain-text layout trait (PlainLayout.ts) among its features: a
// letter that pushes its last lines below a screen of empty lines reaches a `feat:` token, which
// the layer weighs towards spam in a late stage of its own, appended after the others.
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { plainLayoutFeatures } from "../../src/classifier/PlainLayout.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const message = (body: string, extra?: string) => parse(rfc822({ subject: "Hi", body, ...(extra ? { extra } : {}) }))
const gapped = [
  "Great rates on every loan!",
  "Call 555-0100 today.",
  ...Array<string>(10).fill(""),
  "Reply REMOVE to stop."
]

describe("plain-text layout traits through the tokenizer", () => {
  it("names the trait a message carries", () => {
    const m = message(gapped.join("\r\n"))
    expect(plainLayoutFeatures(m)).toEqual(["text_footer_gap"])
    expect(tokenize(m).features).toContain("text_footer_gap")
    expect(tokenize(m).tokens).toContain("feat:text_footer_gap")
  })

  it("reads the reply fields: a reply is not named", () => {
    expect(plainLayoutFeatures(message(gapped.join("\r\n"), "References: <a@b.example>"))).toEqual([])
  })

  it("names nothing for a letter without the gap", () => {
    expect(plainLayoutFeatures(message("Hello.\r\n\r\nSee you tomorrow.\r\n\r\nAlice\r\n"))).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.text_footer_gap).toBe(1)
    expect(LATE_STAGES).toContainEqual(["text_footer_gap"])
  })
})
