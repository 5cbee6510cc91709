// Regression guard for issue 6: the shipped model must meet the bar on the evaluation split of
// the shared corpus (never trained or tuned on). Fails clearly when the corpus is missing.
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { loadModel, shippedModelPath } from "../../src/classifier/index.ts"
import { evaluate } from "../../src/classifier/Evaluate.ts"

import { corpusDir, corpusMissing, findCorpus } from "../../../core/test/support/corpus.ts"

const present = findCorpus("eval") !== undefined

describe("shipped model", () => {
  // Load time is measured in bench/classifier-compare.mjs, never asserted here.
  it("loads, with its token table and logistic layer", () => {
    const model = loadModel(shippedModelPath())
    expect(model.tokens.size).toBeGreaterThan(1000)
    expect(model.logistic).toBeDefined()
  })

  it.skipIf(!present)(`meets the bar on ../shared/corpus/eval: FPR <= 0.5%, recall >= 90%, unsure <= 10%${present ? "" : ` ${corpusMissing("eval")}`}`, () => {
    const corpus = corpusDir("eval")
    const r = evaluate({ hamDir: join(corpus, "ham"), spamDir: join(corpus, "spam"), model: shippedModelPath() })
    expect(r.counts.ham).toBeGreaterThan(500)
    expect(r.counts.spam).toBeGreaterThan(200)
    expect(r.falsePositiveRate).toBeLessThanOrEqual(0.005)
    expect(r.recall).toBeGreaterThanOrEqual(0.9)
    expect(r.unsureRate).toBeLessThanOrEqual(0.1)
  }, 120_000)
})
