// The tokenizer names round 33's body layout and encoding traits (BodyLayout.ts) among its
// features: an encoded bare line feed and a text's padding reach `feat:` tokens, which the layer
// weighs towards spam in a late stage of their own.
import { describe, expect, it } from "vitest"
import { bodyLayoutFeatures } from "../../src/classifier/BodyLayout.ts"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { singlePart } from "./encodedParts.ts"
import { parse, rfc822 } from "./support.ts"

describe("body layout traits through the tokenizer", () => {
  it("an encoded bare line feed", () => {
    expect(singlePart("Earn a bonus=0A=\r\nfor every sale=0A=\r\n")).toContain("mime_qp_encoded_break")
    expect(singlePart("Earn a bonus\r\nfor every sale\r\n")).not.toContain("mime_qp_encoded_break")
  })

  it("padding in a text's tail", () => {
    const body = (end: string) => `Lose weight now.\r\nhttp://example.com/\r\n\r\n${end}\r\n\r\n-- \r\nList footer\r\n`
    expect(tokenize(parse(rfc822({ subject: "Hi", body: body("mvuyrbjoefexbxbqnxqafujbgnn") }))).features).toContain(
      "text_padding_tail"
    )
    expect(tokenize(parse(rfc822({ subject: "Hi", body: body("Regards, Ann") }))).features).not.toContain(
      "text_padding_tail"
    )
  })

  it("names nothing for a message with neither", () => {
    expect(bodyLayoutFeatures(parse(rfc822({ subject: "Hi", body: "Hello.\r\nSee you." })))).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of their own", () => {
    expect(FEATURE_SIGNS.mime_qp_encoded_break).toBe(1)
    expect(FEATURE_SIGNS.text_padding_tail).toBe(1)
    expect(LATE_STAGES).toContainEqual(["mime_qp_encoded_break", "text_padding_tail"])
  })
})
