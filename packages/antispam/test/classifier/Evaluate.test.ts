// Evaluation on generated corpora in temporary directories: rates with intervals, throughput
// parts, and the explanations of errors (the same code `mailmoat eval --explain` prints).
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { evaluate } from "../../src/classifier/Evaluate.ts"
import { explain } from "../../src/classifier/Explain.ts"
import { logit, score } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { trainTokens } from "../../src/classifier/Train.ts"
import { generated, parse } from "./support.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

const dir = tempDir("mailmoat-eval-")
for (const label of ["ham", "spam"] as const) {
  mkdirSync(join(dir, label))
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, label, `${label}.${100 + i}`), generated(label, 100 + i))
}
const items = (["ham", "spam"] as const).flatMap((label) =>
  Array.from({ length: 60 }, (_, i) => ({ tokens: tokenize(parse(generated(label, i))), label }))
)
const model = trainTokens(items, { folds: 3, minCount: 1 })

describe("evaluate", () => {
  it("reports rates with 95% intervals around them and the throughput parts", () => {
    const e = evaluate({ hamDir: join(dir, "ham"), spamDir: join(dir, "spam"), model })
    expect(e.counts).toMatchObject({ ham: 20, spam: 20, falsePositives: 0 })
    expect(e.recall).toBe(1)
    expect(e.intervals.falsePositiveRate[0]).toBe(0)
    expect(e.intervals.falsePositiveRate[1]).toBeGreaterThan(0.1)
    expect(e.intervals.recall[0]).toBeLessThan(1)
    expect(e.throughput.classification.messagesPerSecond).toBeGreaterThan(0)
    expect(e.throughput.firstPass.messagesPerSecond).toBeGreaterThan(0)
    expect(e.throughput.parse.seconds).toBeGreaterThanOrEqual(0)
    // "With parsing" is the parse and the first pass, not the untimed warm-up nor the warm pass.
    expect(e.throughput.seconds).toBeCloseTo(e.throughput.parse.seconds + e.throughput.firstPass.seconds, 9)
    expect(e.errors).toBeUndefined()
  })

  it("times the steady state after at least 5,000 classifications or twenty untimed passes, and can skip it", () => {
    const e = evaluate({ hamDir: join(dir, "ham"), spamDir: join(dir, "spam"), model })
    const steady = e.throughput.steady!
    // 40 messages: the warm-up (40), the first and second passes (80), twenty untimed passes
    // (800); then twenty timed passes, the most for a set this small.
    expect(steady.after).toBe(920)
    expect(steady.messages).toBe(800)
    expect(steady.messagesPerSecond).toBeGreaterThan(0)
    expect(steady.messagesPerCpuSecond).toBeGreaterThan(0)
    expect(steady.seconds).toBeGreaterThan(0)
    expect(
      evaluate({ hamDir: join(dir, "ham"), spamDir: join(dir, "spam"), model, steadyState: false }).throughput.steady
    ).toBeUndefined()
  })

  it("explains every error when asked: swapped directories make every message one", () => {
    const e = evaluate({ hamDir: join(dir, "spam"), spamDir: join(dir, "ham"), model, explain: true })
    expect(e.errors).toHaveLength(40)
    const fp = e.errors!.find((x) => x.label === "ham")!
    expect(fp.class).toBe("spam")
    expect(fp.explanation.probability).toBeGreaterThanOrEqual(0.9)
    expect(fp.explanation.clues.length).toBeGreaterThan(0)
  })
})

describe("explain", () => {
  it("its contributions are the logistic layer's log-odds, and its probability is the score's", () => {
    const tokens = tokenize(parse(generated("spam", 7)))
    const x = explain(model, tokens, 100)
    expect(x.probability).toBeCloseTo(score(model, tokens).probability, 12)
    const z = x.contributions.reduce((a, [, c]) => a + c, 0)
    expect(1 / (1 + Math.exp(-z))).toBeCloseTo(x.probability, 9)
    expect(x.contributions.at(-1)![0]).toBe("bias")
    expect(model.logistic && logit(model.logistic, new Map())).toBe(model.logistic?.bias)
    expect(x.features).toContain("url_ip_literal")
  })
})
