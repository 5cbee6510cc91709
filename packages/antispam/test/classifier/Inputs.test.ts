// The logistic layer's inputs from the chi-square step: each side's evidence (S and H) is an input
// of its own, so the layer can weigh spam evidence and ham evidence differently.
import { describe, expect, it } from "vitest"
import { withLogistic } from "../../src/classifier/Model.ts"
import { chiScore, inputs, score } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { trainTokens } from "../../src/classifier/Train.ts"
import { generated, parse, rfc822 } from "./support.ts"

const corpus = Array.from({ length: 80 }, (_, i) => {
  const label = i % 2 === 0 ? ("ham" as const) : ("spam" as const)
  return { tokens: tokenize(parse(generated(label, i))), label }
})
const model = trainTokens(corpus, { folds: 3, minCount: 1 })

// Spam words padded with as many ham words: the tokens disagree, as in hash-busting spam.
const padded = tokenize(
  parse(
    rfc822({
      subject: "hello",
      body: "winner casino pharmacy refinance lottery prize meeting agenda project review patch kernel"
    })
  )
)
// Words the table has never seen: no spam evidence (its headers are those of the generated ham).
const unknown = tokenize(parse(rfc822({ subject: "zyx wvu", body: "qqqq rrrr ssss tttt uuuu" })))

describe("chi-square inputs of the logistic layer", () => {
  it("S and H are inputs of their own, next to the logit of their combination", () => {
    const { chi } = chiScore(model, padded.tokens)
    const x = inputs(chi, padded.features)
    expect(chi.spam).toBeGreaterThan(0.9)
    expect(chi.ham).toBeGreaterThan(0.9)
    expect(x.get("chi:spam")).toBe(chi.spam)
    expect(x.get("chi:ham")).toBe(chi.ham)
    const none = inputs(chiScore(model, unknown.tokens).chi, unknown.features)
    expect(none.get("chi:spam")).toBeLessThan(1e-6)
  })

  it("the layer reads them: weighing spam evidence more moves padded spam, not mail without known words", () => {
    const layer = model.logistic!
    expect(layer.weights["chi:spam"]).toBeDefined()
    expect(layer.weights["chi:ham"]).toBeDefined()
    const leaning = withLogistic(model, {
      bias: layer.bias,
      weights: { ...layer.weights, "chi:spam": (layer.weights["chi:spam"] ?? 0) + 2 }
    })
    expect(score(leaning, padded).probability).toBeGreaterThan(score(model, padded).probability)
    expect(score(leaning, unknown).probability).toBeCloseTo(score(model, unknown).probability, 6)
  })
})
