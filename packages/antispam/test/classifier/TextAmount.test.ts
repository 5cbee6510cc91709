// textAmount: how much a text says, in Latin letters, with a Han character, a kana or a Hangul
// syllable counted as SYLLABIC_WEIGHT letters; what "little text" thresholds read (round 42).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { isSyllabic, SYLLABIC_WEIGHT, textAmount, textStats } from "../../src/classifier/TextStats.ts"

const han = "书店新书推荐本周"
const kana = "ひらがなカタカナｶﾀｶﾅ"
const hangul = "서점신간안내"

describe("textAmount", () => {
  it("counts Han characters, kana and Hangul syllables as several letters each", () => {
    for (const text of [han, kana, hangul]) {
      const s = textStats(text)
      expect(s.letters).toBe(text.length)
      expect(s.syllabic).toBe(text.length)
      expect(textAmount(s)).toBe(SYLLABIC_WEIGHT * text.length)
    }
  })

  it("counts the letters of alphabets once, whatever their script", () => {
    for (const text of ["Bonjour à tous", "Добрый день", "Καλημέρα σας", "שלום", "ㄱㄴㄷ"]) {
      const s = textStats(text)
      expect(s.syllabic).toBe(0)
      expect(textAmount(s)).toBe(s.letters)
    }
  })

  it("adds the two kinds in a mixed text, and counts no syllabic character as a capital", () => {
    const s = textStats(`Tokyo ${kana} ${han}`)
    expect(s.letters).toBe(5 + kana.length + han.length)
    expect(s.syllabic).toBe(kana.length + han.length)
    expect(s.upper).toBe(1)
  })

  test.prop([fc.string({ maxLength: 300, unit: "binary" })])(
    "any text: the syllabic ones are letters, and the amount lies between the letters and their weight",
    (text) => {
      const s = textStats(text)
      expect(s.syllabic).toBeGreaterThanOrEqual(0)
      expect(s.syllabic).toBeLessThanOrEqual(s.letters)
      expect(textAmount(s)).toBeGreaterThanOrEqual(s.letters)
      expect(textAmount(s)).toBeLessThanOrEqual(SYLLABIC_WEIGHT * s.letters)
    }
  )

  // Characters around every edge of the syllabic blocks (marks and punctuation among the kana, the
  // blocks' neighbours) as well as any other.
  const near = fc.oneof(
    fc.integer({ min: 0x3030, max: 0x3110 }),
    fc.integer({ min: 0x33f0, max: 0x3410 }),
    fc.integer({ min: 0x4db0, max: 0x4e10 }),
    fc.integer({ min: 0x9ff0, max: 0xa010 }),
    fc.integer({ min: 0xabf0, max: 0xac10 }),
    fc.integer({ min: 0xd790, max: 0xd7b0 }),
    fc.integer({ min: 0xf8f0, max: 0xfb10 }),
    fc.integer({ min: 0xff60, max: 0xffa0 }),
    fc.integer({ min: 0, max: 0xffff })
  )
  test.prop([fc.array(near, { maxLength: 200 })])("syllabic counts exactly the letters isSyllabic names", (codes) => {
    const text = String.fromCharCode(...codes)
    const expected = codes.filter((c) => isSyllabic(c) && /\p{L}/u.test(String.fromCharCode(c))).length
    expect(textStats(text).syllabic).toBe(expected)
  })
})
