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
