// The three-way decision: a spam verdict resting on a few words alone, against the form, is
// unsure; with more words or any support from the form the probability decides as before.
import { Facts } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { ChiResult } from "../../src/classifier/Chi2.ts"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as ClassifierStage from "../../src/classifier/ClassifierStage.ts"
import {
  decide,
  FEW_CLUES,
  formProbability,
  leansOnForm,
  restsOnFewWords,
  spamCutoffFor,
  THIN_DROP,
  THIN_SHARE
} from "../../src/classifier/Decision.ts"
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

// Round 37: an unsure verdict on words the model hardly knows is spam when the form backs it and
// the probability reaches a cut-off lowered in proportion to how little of the vocabulary is known.
const RANK = { ham: 0, unsure: 1, spam: 2 } as const
// The old decision: the band, with round 30's rule.
const before = (s: Score, cutoffs = defaultCutoffs) => {
  const c = classOf(s.probability, cutoffs)
  return c === "spam" && restsOnFewWords(layer, s, cutoffs) ? "unsure" : c
}
// The form of `url_ip_literal` alone under `layer`: 0.599, it backs spam.
const backing = ["url_ip_literal"]
const thin = (probability: number, known: number | undefined, features: ReadonlyArray<string> = backing): Score => ({
  probability,
  chi: chi(0.5, 0),
  features,
  clues: [],
  ...(known === undefined ? {} : { known })
})

describe("decide, words the model hardly knows", () => {
  it("the spam cut-off drops by THIN_DROP with no word known, in proportion below THIN_SHARE", () => {
    expect(spamCutoffFor(0, defaultCutoffs)).toBeCloseTo(0.85, 12)
    expect(spamCutoffFor(THIN_SHARE / 2, defaultCutoffs)).toBeCloseTo(0.875, 12)
    expect(spamCutoffFor(THIN_SHARE, defaultCutoffs)).toBe(defaultCutoffs.spamAbove)
    expect(spamCutoffFor(1, defaultCutoffs)).toBe(defaultCutoffs.spamAbove)
    expect(spamCutoffFor(0, { hamBelow: 0.88, spamAbove: 0.9 })).toBe(0.88)
    expect(THIN_DROP).toBe(0.05)
  })

  it("an unsure verdict on no known word, the form backing spam, is spam from the lowered cut-off", () => {
    expect(formProbability(layer, backing)).toBeGreaterThanOrEqual(0.5)
    expect(decide(model, thin(0.86, 0))).toBe("spam")
    expect(decide(model, thin(0.849, 0))).toBe("unsure")
    expect(decide(model, thin(0.88, THIN_SHARE / 2))).toBe("spam")
    expect(decide(model, thin(0.87, THIN_SHARE / 2))).toBe("unsure")
  })

  it("with THIN_SHARE of the words known, or the form not backing spam, the probability decides", () => {
    expect(decide(model, thin(0.89, THIN_SHARE))).toBe("unsure")
    expect(formProbability(layer, [])).toBeLessThan(0.5)
    expect(decide(model, thin(0.89, 0, []))).toBe("unsure")
    expect(decide(model, thin(0.1, 0))).toBe("ham")
    expect(decide(model, thin(0.95, 0))).toBe("spam")
  })

  it("a score without a share (made by hand) or a model without a layer: as before", () => {
    expect(leansOnForm(layer, thin(0.89, undefined), defaultCutoffs)).toBe(false)
    expect(decide(model, thin(0.89, undefined))).toBe("unsure")
    expect(leansOnForm(undefined, thin(0.89, 0), defaultCutoffs)).toBe(false)
    expect(decide(empty(), thin(0.89, 0))).toBe("unsure")
  })

  const share = fc.double({ min: 0, max: 1, noNaN: true })
  const scores = fc.record({
    probability: fc.double({ min: 0, max: 1, noNaN: true }),
    p: fc.double({ min: 0, max: 1, noNaN: true }),
    used: fc.nat(400),
    features: fc.subarray(Object.keys(FEATURE_SIGNS)),
    known: share
  })
  const scoreOf = (r: { probability: number; p: number; used: number; features: Array<string>; known: number }) =>
    ({
      probability: r.probability,
      chi: chi(r.p, r.used),
      features: r.features,
      clues: [],
      known: r.known
    }) satisfies Score

  test.prop([scores])("every word known (or THIN_SHARE of them) decides as before", (r) => {
    const s = scoreOf({ ...r, known: THIN_SHARE + (1 - THIN_SHARE) * r.known })
    expect(decide(model, s)).toBe(before(s))
  })

  test.prop([scores])("only ever moves an unsure verdict to spam, beyond round 30's rule", (r) => {
    const s = scoreOf(r)
    const old = before(s)
    const c = decide(model, s)
    expect(c === old || (old === "unsure" && c === "spam")).toBe(true)
    expect(c !== old).toBe(old === "unsure" && leansOnForm(layer, s, defaultCutoffs))
  })

  test.prop([scores, share])("knowing less of the words never makes a verdict less spam", (r, less) => {
    const s = scoreOf(r)
    const thinner = { ...s, known: s.known * less }
    expect(RANK[decide(model, thinner)]).toBeGreaterThanOrEqual(RANK[decide(model, s)])
  })

  test.prop([scores])("more backing by the form never makes a verdict less spam", (r) => {
    // The IP-literal link is spam evidence of the form (+2): the same score with it is backed more.
    const s = scoreOf({ ...r, features: r.features.filter((f) => f !== "url_ip_literal") })
    const backed = { ...s, features: [...s.features, "url_ip_literal"] }
    expect(formProbability(layer, backed.features)).toBeGreaterThan(formProbability(layer, s.features))
    expect(RANK[decide(model, backed)]).toBeGreaterThanOrEqual(RANK[decide(model, s)])
  })
})

/** The classifier stage's symbols for `message` under `m`. */
const stageSymbols = async (m: Model, message: ReturnType<typeof parse>) =>
  (
    await Effect.runPromise(
      ClassifierStage.make({ model: m }).run({
        phase: "data",
        message,
        recipients: ["bob@example.org"],
        facts: Facts.make()
      })
    )
  ).symbols

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
    const symbols = await stageSymbols(m, notice)
    expect(symbols.map((h) => h.name)).toEqual(["CLASSIFIER_UNSURE"])
    expect(symbols[0]!.detail).toContain("few words alone")
  })
})

// A message in a vocabulary the table never saw, with an IP-literal link: its form alone decides.
const stranger = parse(
  rfc822({ subject: "Zorblat quimby", body: "Vexnor plimth drabbo: http://192.0.2.77/offer frindle" })
)
// A layer whose form for an IP-literal link alone is 0.870: unsure by the band, spam by the form.
const formLayer: Logistic = { bias: -0.1, weights: { "chi:logit": 1, "feat:url_ip_literal": 2 } }

describe("the classifier decides with the form when the words are unknown", () => {
  const m = empty({}, formLayer)
  for (let i = 0; i < 40; i++) addMessage(m, ["offer", "winners", "prize"], "spam")
  for (let i = 0; i < 80; i++) addMessage(m, ["meeting", "agenda", "minutes"], "ham")

  it("scores no word of it known and a probability between the lowered and the band's cut-off", () => {
    const s = score(m, tokenize(stranger))
    expect(s.features).toContain("url_ip_literal")
    expect(s.known).toBe(0)
    expect(s.probability).toBeCloseTo(formProbability(formLayer, s.features), 12)
    expect(s.probability).toBeGreaterThanOrEqual(spamCutoffFor(0, defaultCutoffs))
    expect(s.probability).toBeLessThan(defaultCutoffs.spamAbove)
  })

  it("classifyWith, make's classify and the stage call it spam, the stage saying why", async () => {
    expect(Classifier.classifyWith(m, stranger).class).toBe("spam")
    expect((await Classifier.make({ model: m }).classify(stranger)).class).toBe("spam")
    const symbols = await stageSymbols(m, stranger)
    expect(symbols.map((h) => h.name)).toEqual(["CLASSIFIER_SPAM"])
    expect(symbols[0]!.detail).toContain("by the form")
  })

  it("the share counts the message's words, clues of the table among them", () => {
    const tokens = tokenize(stranger)
    const words = tokens.tokens.filter((t) => !t.startsWith("feat:"))
    expect(score(m, tokens).known).toBe(0)
    // `offer` is a clue (seen in spam only); its share of the distinct words.
    const withOffer = { ...tokens, tokens: [...tokens.tokens, "offer"] }
    expect(score(m, withOffer).known).toBeCloseTo(1 / (words.length + 1), 12)
    expect(score(m, { tokens: [], features: [] }).known).toBe(1)
  })
})
