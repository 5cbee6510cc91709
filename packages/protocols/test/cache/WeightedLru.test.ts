import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { WeightedLru } from "../../src/cache/WeightedLru.ts"

type Op =
  | { readonly op: "set"; readonly key: number; readonly weight: number }
  | { readonly op: "get"; readonly key: number }
  | { readonly op: "delete"; readonly key: number }
  | { readonly op: "clear" }

const key = fc.nat(12)
const ops = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant("set" as const), key, weight: fc.nat(40) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("get" as const), key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("clear" as const) }) }
  ),
  { maxLength: 200 }
)

describe("WeightedLru", () => {
  test.prop([fc.nat(8), fc.option(fc.nat(100), { nil: undefined }), ops])(
    "behaves like a list ordered by last use, trimmed from its oldest end to both bounds",
    (maxEntries, maxWeight, script) => {
      // The value is the step that set it and carries its weight.
      const lru = new WeightedLru<number, { step: number; weight: number }>({
        maxEntries,
        ...(maxWeight === undefined ? {} : { maxWeight }),
        weigh: (v) => v.weight
      })
      const bound = maxWeight ?? Number.POSITIVE_INFINITY
      let model: Array<{ key: number; step: number; weight: number }> = []
      const total = () => model.reduce((sum, e) => sum + e.weight, 0)
      script.forEach((s, step) => {
        switch (s.op) {
          case "set": {
            model = model.filter((e) => e.key !== s.key)
            if (s.weight <= bound) model.push({ key: s.key, step, weight: s.weight })
            while (model.length > maxEntries || total() > bound) model.shift()
            const kept = lru.set(s.key, { step, weight: s.weight })
            expect(kept).toBe(model.some((e) => e.key === s.key))
            break
          }
          case "get": {
            const entry = model.find((e) => e.key === s.key)
            expect(lru.get(s.key)?.step).toBe(entry?.step)
            if (entry !== undefined) model = [...model.filter((e) => e !== entry), entry]
            break
          }
          case "delete":
            expect(lru.delete(s.key)).toBe(model.some((e) => e.key === s.key))
            model = model.filter((e) => e.key !== s.key)
            break
          case "clear":
            lru.clear()
            model = []
        }
        expect(lru.size).toBe(model.length)
        expect(lru.weight).toBe(total())
        expect(lru.size).toBeLessThanOrEqual(maxEntries)
        expect(lru.weight).toBeLessThanOrEqual(bound)
      })
      // Every key the model holds is still there, with its value (and none it does not).
      for (const k of Array.from({ length: 13 }, (_, i) => i))
        expect(lru.get(k)?.step).toBe(model.find((e) => e.key === k)?.step)
    }
  )

  it("an entry heavier than the bound alone is not kept, and forgets what its key held", () => {
    const lru = new WeightedLru<string, number>({ maxEntries: 4, maxWeight: 10, weigh: (v) => v })
    lru.set("a", 3)
    lru.set("b", 4)
    expect(lru.set("a", 11)).toBe(false)
    expect(lru.get("a")).toBeUndefined()
    expect(lru.get("b")).toBe(4)
    expect(lru.weight).toBe(4)
    // The newest entry is kept; older ones make room for it.
    expect(lru.set("c", 10)).toBe(true)
    expect(lru.get("b")).toBeUndefined()
    expect(lru.weight).toBe(10)
  })

  it("refuses bounds and weights that cannot hold", () => {
    expect(() => new WeightedLru({ maxEntries: -1 })).toThrow(RangeError)
    expect(() => new WeightedLru({ maxEntries: 1.5 })).toThrow(RangeError)
    expect(() => new WeightedLru({ maxEntries: 1, maxWeight: Number.NaN })).toThrow(RangeError)
    const lru = new WeightedLru<string, number>({ maxEntries: 1, weigh: (v) => v })
    expect(() => lru.set("a", Number.NaN)).toThrow(RangeError)
    expect(() => lru.set("a", -1)).toThrow(RangeError)
  })
})
