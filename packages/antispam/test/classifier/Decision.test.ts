// The three-way decision: a spam verdict resting on a few words alone, against the form, is
// unsure; with more words or any support from the form the probability decides as before.
import { Facts } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { ChiResult } from "../../src/classifier/Chi2.ts"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as ClassifierStage from "../../src/classifier/ClassifierStage.ts"
import { decide, FEW_CLUES, formProbability, restsOnFewWords } from "../../src/classifier/Decision.ts"
import { FEATURE_SIGNS } from "../../src/classifier/FeatureSigns.ts"
import { addMessage, empty, type Logistic, type Model } from "../../src/classifier/Model.ts"
import { classOf, defaultCutoffs, type Score, score } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

// A layer shaped like the shipped one: the words' logit and evidence push, the bias holds back,
// an IP-literal link is form evidence.
const layer: Logistic = {
  bias: -1.6,
  weights: { "chi:logit": 1, "chi:spam": 1, "chi:evidence": 1, "feat:url_ip_literal": 2 }
}
const model: Model = empty({}, layer)
const chi = (probability: number, used: number): ChiResult => ({
  probability,
  spam: probability,
  ham: 1 - probability,
  used
})
const scored = (c: ChiResult, features: ReadonlyArray<string> = []): Score => ({
  probability: probabilityOf(c, features),
  chi: c,
  features,
  clues: []
})
// The layer's probability for a chi-square result and features, as Score computes it.
const probabilityOf = (c: ChiResult, features: ReadonlyArray<string>): number => {
  const p = Math.min(Math.max(c.probability, 0.001), 0.999)
  let z = layer.bias + Math.log(p / (1 - p)) + c.spam + Math.min(1, c.used / 50)
  if (features.includes("url_ip_literal")) z += 2
  return 1 / (1 + Math.exp(-z))
}

describe("decide", () => {
  it("a spam probability from a few words alone, the form saying ham, is unsure", () => {
    const s = scored(chi(0.99, 10))
    expect(classOf(s.probability)).toBe("spam")
    expect(formProbability(layer, s.features)).toBeLessThan(defaultCutoffs.hamBelow)
    expect(restsOnFewWords(layer, s, defaultCutoffs)).toBe(true)
    expect(decide(model, s)).toBe("unsure")
  })

  it("with half of full evidence or more, the words decide", () => {
    expect(FEW_CLUES).toBe(25)
    expect(decide(model, scored(chi(0.99, FEW_CLUES - 1)))).toBe("unsure")
    expect(decide(model, scored(chi(0.99, FEW_CLUES)))).toBe("spam")
  })

  it("with the form's support, the words decide", () => {
    const s = scored(chi(0.99, 10), ["url_ip_literal"])
    expect(formProbability(layer, s.features)).toBeGreaterThanOrEqual(defaultCutoffs.hamBelow)
    expect(decide(model, s)).toBe("spam")
  })

  it("a spam probability the words alone do not give stays spam", () => {
    // Words at 0.85 (below spamAbove) and the form's link: the layer's sum is spam, not the words'.
    const s = scored(chi(0.85, 10), ["url_ip_literal"])
    expect(classOf(s.probability)).toBe("spam")
    expect(decide(model, s)).toBe("spam")
  })

  it("a model without a layer has no form to ask: the probability decides", () => {
    const bare = empty()
    const s: Score = { probability: 0.99, chi: chi(0.99, 3), features: [], clues: [] }
    expect(restsOnFewWords(bare.logistic, s, defaultCutoffs)).toBe(false)
    expect(decide(bare, s)).toBe("spam")
  })

  it("the form's probability is the layer's with no word known, as scoring a message of features alone", () => {
    const features = ["url_ip_literal"]
    expect(formProbability(layer, features)).toBe(
      score(model, { tokens: ["feat:url_ip_literal"], features }).probability
    )
    expect(formProbability(layer, [])).toBe(score(model, { tokens: [], features: [] }).probability)
  })

  test.prop([
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.nat(400),
    fc.subarray(Object.keys(FEATURE_SIGNS)),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true })
  ])("only ever moves spam to unsure, and never throws", (probability, p, sp, hm, used, features, a, b) => {
    const cutoffs = { hamBelow: Math.min(a, b), spamAbove: Math.max(a, b) }
    const s: Score = { probability, chi: { probability: p, spam: sp, ham: hm, used }, features, clues: [] }
    const plain = classOf(probability, cutoffs)
    const c = decide(model, s, cutoffs)
    if (plain === "spam") expect(["spam", "unsure"]).toContain(c)
    else expect(c).toBe(plain)
    expect(c === plain).toBe(!(plain === "spam" && restsOnFewWords(layer, s, cutoffs)))
  })
})

// A table in which a short notice's few words are spam words: they were seen in spam only.
const notice = parse(
  rfc822({ subject: "Weekly winners", body: "Winners announced: claim prize today. Details online." })
)
const trained = (): Model => {
  const m = empty({}, layer)
  const words = tokenize(notice).tokens.filter((t) => !t.startsWith("feat:"))
  for (let i = 0; i < 40; i++) addMessage(m, words, "spam")
  for (let i = 0; i < 80; i++) addMessage(m, [`ham-word-${i % 7}`, "meeting", "agenda"], "ham")
  return m
}

describe("the classifier decides with the rule", () => {
  const m = trained()

  it("the notice: few clues, the words say spam, the form says ham", () => {
    const s = score(m, tokenize(notice))
    expect(s.chi.used).toBeGreaterThan(2)
    expect(s.chi.used).toBeLessThan(FEW_CLUES)
    expect(s.chi.probability).toBeGreaterThanOrEqual(defaultCutoffs.spamAbove)
    expect(s.probability).toBeGreaterThanOrEqual(defaultCutoffs.spamAbove)
  })

  it("classifyWith, make's classify and the stage call it unsure at its spam probability", async () => {
    const alone = Classifier.classifyWith(m, notice)
    expect(alone.class).toBe("unsure")
    expect(alone.probability).toBeGreaterThanOrEqual(defaultCutoffs.spamAbove)
    expect((await Classifier.make({ model: m }).classify(notice)).class).toBe("unsure")
    const stage = ClassifierStage.make({ model: m })
    const result = await Effect.runPromise(
      stage.run({ phase: "data", message: notice, recipients: ["bob@example.org"], facts: Facts.make() })
    )
    expect(result.symbols.map((h) => h.name)).toEqual(["CLASSIFIER_UNSURE"])
    expect(result.symbols[0]!.detail).toContain("few words alone")
  })
})
