// Which languages a model measured, from the tally training wrote into its meta, and whether a
// scored message is in one it did not (round 53 in docs/classifier.md).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { ChiResult } from "../../src/classifier/Chi2.ts"
import { FEW_CLUES } from "../../src/classifier/LayerInputs.ts"
import {
  asksLanguage,
  inUnmeasuredLanguage,
  measuredIn,
  measuredLanguages
} from "../../src/classifier/MeasuredLanguages.ts"
import { empty, type Model } from "../../src/classifier/Model.ts"
import type { Score } from "../../src/classifier/Score.ts"

// The shipped model's tally as training writes it (OneSidedLanguages.tallyLine).
const TALLY = "Hani* 0/20, Jpan* 1/3, Kore* 0/6, de* 2/1, en 3069/1408, fr* 0/7, pt* 0/2, tr* 0/9, und 250/95"
const withTally = (line: string | undefined): Model =>
  empty({}, undefined, line === undefined ? {} : { languages: line })
const chi = (used: number): ChiResult => ({ probability: 0.5, spam: 0, ham: 0, used })
const scored = (used: number, language?: string): Score => ({
  probability: 0.5,
  chi: chi(used),
  features: [],
  clues: [],
  ...(language === undefined ? {} : { language })
})

describe("measuredIn", () => {
  it("reads the unstarred tags of a tally, und always among them", () => {
    expect([...measuredIn(TALLY)!].sort()).toEqual(["en", "und"])
    expect([...measuredIn("de 40/30, en* 3/0")!].sort()).toEqual(["de", "und"])
  })

  it("a line with no entry it can read names nothing measured", () => {
    expect(measuredIn("")).toBeUndefined()
    expect(measuredIn("english, french")).toBeUndefined()
    // An entry it cannot read is skipped; the others count.
    expect([...measuredIn("en 3/4, ??, fr 2")!].sort()).toEqual(["en", "und"])
  })

  test.prop([fc.string({ maxLength: 200 })])("never throws, and names und whenever it names anything", (line) => {
    const measured = measuredIn(line)
    if (measured !== undefined) expect(measured.has("und")).toBe(true)
  })

  test.prop([fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z]{2,4}$/), fc.boolean(), fc.nat(), fc.nat()))])(
    "a tally written as training writes it reads back: the tags without a star",
    (entries) => {
      const line = entries.map(([tag, star, h, s]) => `${tag}${star ? "*" : ""} ${h}/${s}`).join(", ")
      const measured = measuredIn(line)
      expect(measured === undefined).toBe(entries.length === 0)
      // A tag written twice is measured when one of its entries is.
      for (const [tag] of entries)
        expect(measured?.has(tag)).toBe(tag === "und" || entries.some(([t, star]) => t === tag && !star))
    }
  )
})

describe("a model's measured languages", () => {
  it("come from its meta, and a model without a tally has none", () => {
    expect(measuredLanguages(withTally(TALLY))!.has("en")).toBe(true)
    expect(measuredLanguages(withTally(undefined))).toBeUndefined()
    // Two models read in turn each give their own.
    expect(measuredLanguages(withTally("fr 30/30"))!.has("fr")).toBe(true)
    expect(measuredLanguages(withTally(TALLY))!.has("fr")).toBe(false)
  })

  it("the scorer asks for the tag only with few clues, of a model with a tally", () => {
    expect(asksLanguage(withTally(TALLY), FEW_CLUES - 1)).toBe(true)
    expect(asksLanguage(withTally(TALLY), FEW_CLUES)).toBe(false)
    expect(asksLanguage(withTally(undefined), 0)).toBe(false)
  })

  it("a starred language, or one the tally never names, is unmeasured; en and und are measured", () => {
    const model = withTally(TALLY)
    for (const tag of ["fr", "Hani", "de", "Cyrl", "es"])
      expect(inUnmeasuredLanguage(model, scored(3, tag)), tag).toBe(true)
    for (const tag of ["en", "und"]) expect(inUnmeasuredLanguage(model, scored(3, tag)), tag).toBe(false)
  })

  it("never with FEW_CLUES clues or more, without a tag, or for a model without a tally", () => {
    expect(inUnmeasuredLanguage(withTally(TALLY), scored(FEW_CLUES, "fr"))).toBe(false)
    expect(inUnmeasuredLanguage(withTally(TALLY), scored(3))).toBe(false)
    expect(inUnmeasuredLanguage(withTally(undefined), scored(3, "fr"))).toBe(false)
  })
})
