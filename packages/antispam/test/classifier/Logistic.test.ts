// The logistic layer's fit: sign constraints and prior weights; the Wilson interval of rates.
import { describe, expect, it } from "vitest"
import { wilson } from "../../src/classifier/Interval.ts"
import { fit, type Sample } from "../../src/classifier/Logistic.ts"
import { stagedFit } from "../../src/classifier/Train.ts"

// `a` is present in half the spam and in no ham; `b` is never present.
const samples: Array<Sample> = Array.from({ length: 200 }, (_, i) => {
  const y = (i % 2) as 0 | 1
  const x = new Map<string, number>([["chi", y === 1 ? 1 : -1]])
  if (y === 1 && i % 4 === 1) x.set("a", 1)
  return { x, y }
})

describe("fit", () => {
  it("an input the data never shows keeps its prior weight; without one it is absent", () => {
    const withPrior = fit(samples, { iterations: 300, priors: { b: 0.8 } })
    expect(withPrior.weights.b).toBeCloseTo(0.8, 3)
    expect(fit(samples, { iterations: 300 }).weights.b).toBeUndefined()
  })

  it("the data moves an input away from its prior", () => {
    const w = fit(samples, { iterations: 600, priors: { a: 0 } }).weights.a!
    expect(w).toBeGreaterThan(0.3)
  })

  it("sign constraints hold even against the data and the prior", () => {
    const w = fit(samples, { iterations: 600, signs: { a: -1 }, priors: { a: 0.5 } }).weights.a!
    expect(w).toBeLessThanOrEqual(0)
  })

  it("spamShare: the bias stands for the given class prior, not the samples' ratio", () => {
    // 90 % ham, no informative input: the bias alone learns the prior.
    const skewed: Array<Sample> = Array.from({ length: 100 }, (_, i) => ({ x: new Map(), y: i < 90 ? 0 : 1 }))
    const logit = (p: number) => Math.log(p / (1 - p))
    expect(fit(skewed, { iterations: 2000 }).bias).toBeCloseTo(logit(0.1), 1)
    expect(fit(skewed, { iterations: 2000, spamShare: 1 / 3 }).bias).toBeCloseTo(logit(1 / 3), 1)
    // Sample weights count: shift samples of weight 0.5 weigh half a message.
    const weighted = skewed.map((s) => (s.y === 0 ? { ...s, weight: 0.5 } : s))
    expect(fit(weighted, { iterations: 2000, spamShare: 0.5 }).bias).toBeCloseTo(0, 1)
    expect(() => fit(skewed, { spamShare: 1 })).toThrow(RangeError)
  })
})

// The same samples with a strong late input `c`: in three spam of four, never in ham.
const withLate: Array<Sample> = samples.map((s, i) =>
  s.y === 1 && i % 8 !== 7 ? { ...s, x: new Map([...s.x, ["c", 1]]) } : s
)
const score = (layer: { bias: number; weights: Readonly<Record<string, number>> }, x: ReadonlyMap<string, number>) =>
  [...x].reduce((z, [k, v]) => z + (layer.weights[k] ?? 0) * v, layer.bias)

describe("staged fitting", () => {
  const options = { iterations: 600, signs: { a: 1 as const, c: 1 as const }, priors: { a: 1, c: 1 } }

  it("frozen: the bias and the held weights stay as given, the other inputs are fitted", () => {
    const held = { bias: -0.25, weights: { chi: 0.5, a: 0.75 } }
    const layer = fit(withLate, { ...options, frozen: held })
    expect(layer.bias).toBe(-0.25)
    expect(layer.weights.chi).toBe(0.5)
    expect(layer.weights.a).toBe(0.75)
    expect(layer.weights.c!).toBeGreaterThan(1)
  })

  it("a late input moves no score of a sample without it; fitted jointly it moves the bias", () => {
    const base = fit(samples, options)
    const staged = stagedFit(withLate, [["c"]], options)
    const joint = fit(withLate, options)
    expect(staged.bias).toBe(base.bias)
    for (const s of samples) expect(score(staged, s.x)).toBeCloseTo(score(base, s.x), 10)
    expect(staged.weights.c!).toBeGreaterThan(0)
    // The joint fit explains the spam with `c` and lowers the bias for everything else.
    expect(joint.bias).toBeLessThan(base.bias - 0.05)
  })

  it("with no late input it is the one fit, and it is deterministic", () => {
    expect(stagedFit(withLate, [], options)).toEqual(fit(withLate, options))
    expect(stagedFit(withLate, [["c"]], options)).toEqual(stagedFit(withLate, [["c"]], options))
  })

  it("weights come out in one sorted order, held ones included", () => {
    const layer = fit(withLate, { ...options, frozen: { bias: 0, weights: { zz_unseen: 2, chi: 1 } } })
    expect(Object.keys(layer.weights)).toEqual([...Object.keys(layer.weights)].sort())
    expect(layer.weights.zz_unseen).toBe(2)
  })
})

describe("wilson", () => {
  it("matches the textbook interval and stays inside [0, 1]", () => {
    const [lo, hi] = wilson(1, 828)
    expect(lo).toBeCloseTo(0.000213, 5)
    expect(hi).toBeCloseTo(0.00682, 4)
    expect(wilson(0, 10)[0]).toBe(0)
    expect(wilson(10, 10)[1]).toBeCloseTo(1, 12)
    expect(wilson(10, 10)[1]).toBeLessThanOrEqual(1)
    expect(wilson(0, 0)).toEqual([0, 1])
  })
})
