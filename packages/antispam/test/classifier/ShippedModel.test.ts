// Regression guard for issue 6: the shipped model must meet the bar on the evaluation split of
// the shared corpus (never trained or tuned on). Fails clearly when the corpus is missing.
import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { loadModel, shippedModelPath } from "../../src/classifier/index.ts"
import { evaluate } from "../../src/classifier/Train.ts"

const corpus = join(import.meta.dirname, "../../../../../shared/corpus/eval")

describe("shipped model", () => {
  it("loads in well under a second", () => {
    const t0 = performance.now()
    const model = loadModel(shippedModelPath())
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(model.tokens.size).toBeGreaterThan(1000)
    expect(model.logistic).toBeDefined()
  })

  it("meets the bar on ../shared/corpus/eval: FPR <= 0.5%, recall >= 90%, unsure <= 10%", () => {
    if (!existsSync(join(corpus, "ham")) || !existsSync(join(corpus, "spam"))) {
      throw new Error(`evaluation corpus missing at ${corpus} (expected ham/ and spam/ from /work/shared/corpus/eval)`)
    }
    const r = evaluate({ hamDir: join(corpus, "ham"), spamDir: join(corpus, "spam"), model: shippedModelPath() })
    expect(r.counts.ham).toBeGreaterThan(500)
    expect(r.counts.spam).toBeGreaterThan(200)
    expect(r.falsePositiveRate).toBeLessThanOrEqual(0.005)
    expect(r.recall).toBeGreaterThanOrEqual(0.9)
    expect(r.unsureRate).toBeLessThanOrEqual(0.1)
  }, 120_000)
})
