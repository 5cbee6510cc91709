// The decision on a message in a language the model's training did not measure, on few clues: spam
// only when the form alone reaches the spam cut-off (round 53 in docs/classifier.md, `byForm`).
import { Facts } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { ChiResult } from "../../src/classifier/Chi2.ts"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as ClassifierStage from "../../src/classifier/ClassifierStage.ts"
import { byForm, decide, FEW_CLUES, formProbability, leansOnForm } from "../../src/classifier/Decision.ts"
import { FEATURE_SIGNS } from "../../src/classifier/FeatureSigns.ts"
import { addMessage, empty, type Logistic, type Model } from "../../src/classifier/Model.ts"
import { classOf, defaultCutoffs, type Score, score, scoreSet } from "../../src/classifier/Score.ts"
import { collect, tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

// A layer shaped like the shipped one: the words push, the bias holds back (a form with no feature
// at 0.21, just above the ham cut-off, so that round 30's rule leaves a spam verdict alone), an
// IP-literal link is spam evidence of the form, a quoted reply ham evidence.
const layer: Logistic = {
  bias: -1.3,
  weights: {
    "chi:logit": 1,
    "chi:spam": 1,
    "chi:evidence": 1,
    "feat:url_ip_literal": 5,
    "feat:quoted_reply": -2
  }
}
const TALLY = "Hani* 0/20, en 3069/1408, fr* 0/7, und 250/95"
const model: Model = empty({}, layer, { languages: TALLY })
const untallied: Model = empty({}, layer)

const chi = (probability: number, used: number): ChiResult => ({
  probability,
  spam: probability,
  ham: 1 - probability,
  used
})
const scored = (
  probability: number,
  o: { used?: number; features?: ReadonlyArray<string>; language?: string; known?: number } = {}
): Score => ({
  probability,
  chi: chi(probability, o.used ?? 5),
  features: o.features ?? [],
  clues: [],
  ...(o.known === undefined ? {} : { known: o.known }),
  ...(o.language === undefined ? {} : { language: o.language })
})
const withoutTag = (s: Score): Score => {
  const { language: _tag, ...rest } = s
  return rest
}

describe("byForm: a language the model did not measure, few clues", () => {
  it("a spam verdict the form alone does not reach the cut-off for is unsure", () => {
    const s = scored(0.97, { language: "fr" })
    expect(formProbability(layer, s.features)).toBeLessThan(defaultCutoffs.spamAbove)
    expect(decide(model, s)).toBe("unsure")
    // The same message in English, or tagged by no one: spam (round 30's rule needs a ham form).
    expect(decide(model, scored(0.97, { language: "en" }))).toBe("spam")
  })

  it("a spam verdict whose form alone reaches the cut-off stays spam", () => {
    const s = scored(0.99, { language: "Hani", features: ["url_ip_literal"] })
    expect(formProbability(layer, s.features)).toBeGreaterThanOrEqual(defaultCutoffs.spamAbove)
    expect(decide(model, s)).toBe("spam")
  })

  it("a ham verdict stands, whatever the form", () => {
    expect(byForm(model, scored(0.05, { language: "fr" }), defaultCutoffs)).toBeUndefined()
    expect(decide(model, scored(0.05, { language: "fr" }))).toBe("ham")
    expect(decide(model, scored(0.05, { language: "fr", features: ["url_ip_literal"] }))).toBe("ham")
  })

  it("a language the tally never names is unmeasured too; und is measured", () => {
    expect(decide(model, scored(0.97, { language: "Cyrl" }))).toBe("unsure")
    expect(decide(model, scored(0.97, { language: "und" }))).toBe("spam")
  })

  it("an unsure verdict is spam on a form at the cut-off, else unsure, even where round 37's lean would call it spam", () => {
    const s = scored(0.88, { language: "fr", known: 0, features: ["quoted_reply", "url_ip_literal"] })
    expect(formProbability(layer, s.features)).toBeLessThan(defaultCutoffs.spamAbove)
    expect(leansOnForm(layer, s, defaultCutoffs)).toBe(true)
    expect(decide(model, withoutTag(s))).toBe("spam")
    expect(decide(model, s)).toBe("unsure")
    const formed = scored(0.6, { language: "fr", features: ["url_ip_literal"] })
    expect(classOf(formed.probability)).toBe("unsure")
    expect(decide(model, formed)).toBe("spam")
    expect(decide(model, withoutTag(formed))).toBe("unsure")
  })

  it("FEW_CLUES clues or more, a model without a tally or without a layer: the other rules decide", () => {
    expect(byForm(model, scored(0.97, { language: "fr", used: FEW_CLUES }), defaultCutoffs)).toBeUndefined()
    expect(decide(model, scored(0.97, { language: "fr", used: FEW_CLUES }))).toBe("spam")
    expect(decide(untallied, scored(0.97, { language: "fr" }))).toBe("spam")
    expect(decide(empty({}, undefined, { languages: TALLY }), scored(0.97, { language: "fr" }))).toBe("spam")
  })

  const scores = fc.record({
    probability: fc.double({ min: 0, max: 1, noNaN: true }),
    used: fc.nat(60),
    features: fc.subarray(Object.keys(FEATURE_SIGNS)),
    known: fc.double({ min: 0, max: 1, noNaN: true }),
    language: fc.constantFrom("en", "und", "fr", "Hani", "Cyrl", "de")
  })
  const scoreOf = (r: {
    probability: number
    used: number
    features: Array<string>
    known: number
    language: string
  }): Score => scored(r.probability, r)

  test.prop([scores])("leaves ham ham, and calls spam only what the form alone calls spam, or the band", (r) => {
    const s = scoreOf(r)
    const band = classOf(s.probability)
    const c = decide(model, s)
    if (band === "ham") expect(c).toBe(decide(model, withoutTag(s)))
    if (c === "spam" && band !== "spam")
      expect(
        formProbability(layer, s.features) >= defaultCutoffs.spamAbove || leansOnForm(layer, s, defaultCutoffs)
      ).toBe(true)
  })

  test.prop([scores])("in an unmeasured language, spam only on a form at the spam cut-off", (r) => {
    const s = scoreOf({ ...r, language: "fr", used: r.used % FEW_CLUES })
    if (classOf(s.probability) === "ham") return
    const spam = formProbability(layer, s.features) >= defaultCutoffs.spamAbove
    expect(decide(model, s)).toBe(spam ? "spam" : "unsure")
  })

  test.prop([scores])("a measured language, many clues or no tally: as without the tag", (r) => {
    const s = scoreOf(r)
    const applies = !["en", "und"].includes(r.language) && r.used < FEW_CLUES
    if (!applies) expect(decide(model, s)).toBe(decide(model, withoutTag(s)))
    expect(decide(untallied, s)).toBe(decide(untallied, withoutTag(s)))
  })
})

// A French note whose few words the table learned from spam: the words call it spam, its form
// nothing; tagged at scoring because its clues are few.
const note = parse(
  rfc822({
    subject: "Votre commande",
    body: "Bonjour, votre commande est prête pour le retrait avec votre carte."
  })
)
const trained = (tally: boolean): Model => {
  const m = empty({}, layer, tally ? { languages: TALLY } : {})
  const words = tokenize(note).tokens.filter((t) => !t.startsWith("feat:"))
  for (let i = 0; i < 40; i++) addMessage(m, words, "spam")
  for (let i = 0; i < 80; i++) addMessage(m, [`ham-word-${i % 7}`, "meeting", "agenda"], "ham")
  return m
}

describe("the scorer tags a message of few clues, and the classifier decides with the tag", () => {
  const m = trained(true)

  it("score and scoreSet tag the note fr, and agree", () => {
    const s = score(m, tokenize(note))
    expect(s.chi.used).toBeLessThan(FEW_CLUES)
    expect(s.language).toBe("fr")
    expect(classOf(s.probability)).toBe("spam")
    const set = collect(note)
    const fromSet = scoreSet(m, set)
    set.release()
    expect(fromSet).toStrictEqual(s)
  })

  it("the stage calls it unsure and says why", async () => {
    const result = await Effect.runPromise(
      ClassifierStage.make({ model: m }).run({
        phase: "data",
        message: note,
        recipients: ["bob@example.org"],
        facts: Facts.make()
      })
    )
    expect(result.symbols.map((h) => h.name)).toEqual(["CLASSIFIER_UNSURE"])
    expect(result.symbols[0]!.detail).toContain("(by the form: language fr not measured)")
  })

  it("classifyWith and make's classify call it unsure; a model without a tally, spam, untagged", async () => {
    expect(Classifier.classifyWith(m, note).class).toBe("unsure")
    expect((await Classifier.make({ model: m }).classify(note)).class).toBe("unsure")
    const plain = trained(false)
    expect(score(plain, tokenize(note)).language).toBeUndefined()
    expect(Classifier.classifyWith(plain, note).class).toBe("spam")
  })
})
