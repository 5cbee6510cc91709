// The discriminative token model: weights fitted jointly over binary token presence, its margin as
// a layer input, and the same weights forgotten where the table is.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { clampMargin, fitTokens, margin, marginOf, restrict } from "../../src/classifier/Discriminative.ts"
import { explain } from "../../src/classifier/Explain.ts"
import * as Model from "../../src/classifier/Model.ts"
import { parse as parseModel, serialise } from "../../src/classifier/ModelFile.ts"
import { classOf, score, tokenMargin } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { trainTokens } from "../../src/classifier/Train.ts"
import { generated, parse } from "./support.ts"

const spam = (...tokens: Array<string>) => ({ tokens, y: 1 as const })
const ham = (...tokens: Array<string>) => ({ tokens, y: 0 as const })

// Newsletters and spam share `offer`; only spam says `winner`, only ham says `meeting`.
const samples = [
  ...Array.from({ length: 20 }, (_, i) => spam("offer", "winner", `s${i % 5}`)),
  ...Array.from({ length: 20 }, (_, i) => ham("offer", "unsubscribe", "issue", `h${i % 5}`)),
  ...Array.from({ length: 20 }, (_, i) => ham("meeting", "agenda", `h${i % 5}`))
]

describe("fitTokens", () => {
  it("weighs a word by what it adds beside the others: shared words weigh less than telling ones", () => {
    const m = fitTokens(samples)
    const w = (t: string) => m.weights.get(t)!
    expect(w("winner")).toBeGreaterThan(0)
    expect(w("meeting")).toBeLessThan(0)
    expect(w("unsubscribe")).toBeLessThan(0)
    expect(Math.abs(w("offer"))).toBeLessThan(w("winner"))
    expect(margin(m, ["offer", "winner"])).toBeGreaterThan(0)
    expect(margin(m, ["offer", "unsubscribe", "issue"])).toBeLessThan(0)
  })

  it("is deterministic: the same samples in the same order give the same weights", () => {
    const a = fitTokens(samples)
    const b = fitTokens(samples.map((s) => ({ ...s, tokens: [...s.tokens] })))
    expect([...b.weights]).toEqual([...a.weights])
  })

  it("gives no weight to a token seen in fewer than minCount messages", () => {
    const m = fitTokens([...samples, spam("once")])
    expect(m.weights.has("once")).toBe(false)
    expect(fitTokens([...samples, spam("once")], { minCount: 1 }).weights.has("once")).toBe(true)
  })

  it("leaves out feature tokens by default and, when given them, holds each to its feature's sign", () => {
    const withFeature = samples.map((s) => (s.y === 0 ? { ...s, tokens: [...s.tokens, "feat:url_ip_literal"] } : s))
    expect(fitTokens(withFeature).weights.has("feat:url_ip_literal")).toBe(false)
    const m = fitTokens(withFeature, { include: () => true })
    expect(m.weights.get("feat:url_ip_literal")).toBe(0)
    const free = fitTokens(withFeature, { include: () => true, signs: new Map() })
    expect(free.weights.get("feat:url_ip_literal")).toBeLessThan(0)
  })

  it("leaves out the tokens `include` refuses", () => {
    const m = fitTokens(samples, { include: (t) => t !== "offer" })
    expect(m.weights.has("offer")).toBe(false)
    expect(m.weights.has("winner")).toBe(true)
  })
})

describe("margin", () => {
  const m = {
    weights: new Map([
      ["a", 2],
      ["b", -1],
      ["c", 0]
    ])
  }

  it("sums the known tokens' weights over the square root of how many are known; none known is 0", () => {
    expect(margin(m, ["a", "b", "c", "unknown"])).toBeCloseTo(1 / Math.sqrt(3), 12)
    expect(margin(m, ["unknown"])).toBe(0)
    expect(margin(m, [])).toBe(0)
    expect(marginOf(4, 4)).toBe(2)
  })

  it("restrict forgets the weights of the tokens it does not keep", () => {
    const r = restrict(m, (t) => t !== "a")
    expect([...r.weights.keys()]).toEqual(["b", "c"])
    expect(margin(r, ["a", "b"])).toBe(-1)
  })
})

const tokenArb = fc.constantFrom("a", "b", "c", "d", "e", "f", "feat:html_only", "stat:caps:2", "x:y")

describe("scoring", () => {
  test.prop([
    fc.array(fc.tuple(fc.uniqueArray(tokenArb, { maxLength: 6 }), fc.boolean()), { minLength: 1, maxLength: 20 }),
    fc.uniqueArray(fc.oneof(tokenArb, fc.string({ maxLength: 4 })), { maxLength: 12 }),
    fc.dictionary(tokenArb, fc.double({ min: -5, max: 5, noNaN: true })),
    fc.double({ min: 0, max: 3, noNaN: true })
  ])(
    "adds the margin's weighted, capped value to the layer's log-odds, and nothing without weights",
    (messages, tokens, ws, w) => {
      const model = Model.empty({}, { bias: -1, weights: { "chi:logit": 1, "tok:margin": w } })
      for (const [t, isSpam] of messages) Model.addMessage(model, t, isSpam ? "spam" : "ham")
      const withWeights = { ...model, discriminative: { weights: new Map(Object.entries(ws)) } }
      const m = margin(withWeights.discriminative, tokens)
      expect(tokenMargin(withWeights, tokens)).toBe(m)
      expect(tokenMargin(model, tokens)).toBeUndefined()
      const z = (p: number) => Math.log(p / (1 - p))
      const t = { tokens, features: [] }
      const diff = z(score(withWeights, t).probability) - z(score(model, t).probability)
      expect(diff).toBeCloseTo(w * clampMargin(m), 6)
      expect(explain(withWeights, t).contributions.some(([k]) => k === "tok:margin")).toBe(w * clampMargin(m) !== 0)
    }
  )
})

describe("training with the token model as a layer input", () => {
  const items = [
    ...Array.from({ length: 30 }, (_, i) => ({ tokens: tokenize(parse(generated("ham", i))), label: "ham" as const })),
    ...Array.from({ length: 30 }, (_, i) => ({ tokens: tokenize(parse(generated("spam", i))), label: "spam" as const }))
  ]

  it("is off unless asked for: the layer then has no margin input and the file stays version 1", () => {
    const plain = trainTokens(items, { folds: 3, minCount: 1 })
    expect(plain.discriminative).toBeUndefined()
    expect(plain.logistic?.weights["tok:margin"]).toBeUndefined()
    expect(JSON.parse(Buffer.from(serialise(plain)).toString("utf8").split("\n")[0]!).version).toBe(1)
  })

  it("fits weights for the table's tokens, a margin weight held >= 0, the same bytes twice, and scores as it reads back", () => {
    const a = trainTokens(items, { folds: 3, minCount: 1, discriminative: { minCount: 1 } })
    const b = trainTokens(items, { folds: 3, minCount: 1, discriminative: { minCount: 1 } })
    expect(Buffer.from(serialise(a)).equals(Buffer.from(serialise(b)))).toBe(true)
    expect(a.discriminative!.weights.size).toBeGreaterThan(0)
    for (const t of a.discriminative!.weights.keys()) {
      expect(a.tokens.has(t)).toBe(true)
      expect(t.startsWith("feat:")).toBe(false)
    }
    expect(a.logistic!.weights["tok:margin"]).toBeGreaterThanOrEqual(0)
    const back = parseModel(serialise(a, { gzip: true }))
    for (let i = 100; i < 110; i++)
      for (const label of ["ham", "spam"] as const) {
        const tokens = tokenize(parse(generated(label, i)))
        expect(score(back, tokens).probability).toBe(score(a, tokens).probability)
        expect(classOf(score(a, tokens).probability)).toBe(label)
      }
  })
})
