// The logistic layer's fit: sign constraints and prior weights; the Wilson interval of rates.
import { describe, expect, it } from "vitest"
import { wilson } from "../../src/classifier/Interval.ts"
import { fit, type Sample } from "../../src/classifier/Logistic.ts"

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
