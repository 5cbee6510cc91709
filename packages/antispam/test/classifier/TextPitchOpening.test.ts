// text_pitch_opening: a text opening on a line ending in `!` or `?` that goes on with four shouted
// lines or three priced lines, on synthetic mail through the whole tokenizer and on the check
// itself; a greeting's opening, a question alone, a friend's exclamations never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { textPitchOpening } from "../../src/classifier/TextPitchOpening.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string) => tokenize(parse(rfc822({ subject: "Hello", body }))).features
const text = (lines: ReadonlyArray<string>) => lines.join("\r\n")
const shouted = [
  "",
  "  Are you tired of working for someone else?  ",
  "",
  "Now you can earn from home!",
  "No experience needed!",
  "We train you step by step.",
  "Start today!",
  "Reply for details!"
]
const priced = [
  "Have tax problems?",
  "If your debt is $10,000 or more, we can help.",
  "Our agents cut what you owe by up to 60 %.",
  "Fees start at £ 99 a month.",
  "Write to us for a free review."
]

describe("text_pitch_opening", () => {
  it("a headline opening, then four shouted lines or three priced lines", () => {
    expect(features(text(shouted))).toContain("text_pitch_opening")
    expect(features(text(priced))).toContain("text_pitch_opening")
    expect(textPitchOpening([shouted.join("\n")])).toBe(true)
    const exclaimed = priced.map((l, i) => (i === 0 ? "WAKE UP!" : l))
    expect(textPitchOpening([exclaimed.join("\n")])).toBe(true)
  })

  it("not when the first line is a greeting or a sentence", () => {
    expect(features(text(["Hi Bob,", ...shouted]))).not.toContain("text_pitch_opening")
    expect(features(text(["Hello.", ...priced]))).not.toContain("text_pitch_opening")
  })

  it("not after a greeting by name that ends in `!`, however the shop's lines go on", () => {
    const shop = [
      "Olá, Fernanda!",
      "Geladeira R$ 1.599,00 por R$ 1.299,00",
      "ou 10x de R$ 129,90",
      "Lavadora R$ 999,00"
    ]
    expect(features(text(shop))).not.toContain("text_pitch_opening")
    expect(textPitchOpening([["Hi there, Bob!", ...shouted.slice(3)].join("\n")])).toBe(false)
    const headline = ["Something EVERY business needs, a Merchant Account!", ...shop.slice(1)]
    expect(textPitchOpening([headline.join("\n")])).toBe(true)
  })

  it("not with three shouted lines, two priced lines, or a question alone", () => {
    const threeShouts = shouted.filter((l) => l !== "Reply for details!")
    expect(features(text(threeShouts))).not.toContain("text_pitch_opening")
    const twoPrices = priced.filter((l) => !l.startsWith("Fees"))
    expect(features(text(twoPrices))).not.toContain("text_pitch_opening")
    const note = ["Did you see the game last night?", "What a finish!", "See you at lunch.", "Tom"]
    expect(features(text(note))).not.toContain("text_pitch_opening")
  })

  it("counts percentages and amounts, not digits beside other signs", () => {
    const noMoney = ["Release 2.4 is out?", "It fixes 12 bugs.", "Build 3 # 4 passes.", "Version 5-6 too."]
    expect(textPitchOpening([noMoney.join("\n")])).toBe(false)
    const percent = ["Save now?", "40% off", "up to 5 % more", "from 70%"]
    expect(textPitchOpening([percent.join("\n")])).toBe(true)
  })

  it("reads every text and skips what is not one", () => {
    expect(textPitchOpening(["Hello.", shouted.join("\n")])).toBe(true)
    expect(textPitchOpening([])).toBe(false)
    expect(textPitchOpening([undefined, 7])).toBe(false)
  })

  test.prop([fc.array(fc.oneof(fc.string({ maxLength: 3000 }), fc.anything()), { maxLength: 5 })])(
    "never throws on any texts",
    (texts) => {
      expect(typeof textPitchOpening(texts)).toBe("boolean")
    }
  )

  test.prop([
    fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [A-Za-z][a-z]{0,8}){0,6}[.,:]?$/),
    fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [A-Za-z0-9$%!?][a-z0-9]{0,8}){0,9}[.,!?]?$/), { maxLength: 40 })
  ])("a text whose first line ends in neither `!` nor `?` never counts", (first, rest) => {
    expect(textPitchOpening([[first, ...rest].join("\n")])).toBe(false)
  })

  test.prop([
    fc.constantFrom("!", "?"),
    fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [A-Za-z][a-z]{0,8}){0,6}!$/), { minLength: 4, maxLength: 20 })
  ])("a headline and four or more shouted lines always count", (end, rest) => {
    expect(textPitchOpening([[`Ready${end}`, ...rest].join("\n")])).toBe(true)
  })
})
