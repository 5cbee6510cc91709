// trimOldest: a Map in insertion order stays within its bound, dropping the oldest in batches.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { BoundedMap } from "../src/index.ts"

describe("BoundedMap.trimOldest", () => {
  it("leaves a map within its bound alone, and drops the oldest sixteenth once over it", () => {
    const map = new Map<number, number>()
    for (let i = 0; i < 32; i++) map.set(i, i)
    BoundedMap.trimOldest(map, 32)
    expect(map.size).toBe(32)
    map.set(32, 32)
    BoundedMap.trimOldest(map, 32)
    // 33 entries: one over, and a sixteenth of 32 (2).
    expect([...map.keys()]).toEqual(Array.from({ length: 30 }, (_, i) => i + 3))
  })

  it("keeps the entry written last even with a bound of one", () => {
    const map = new Map([["a", 1]])
    map.set("b", 2)
    BoundedMap.trimOldest(map, 1)
    expect([...map.entries()]).toEqual([["b", 2]])
  })

  test.prop([fc.integer({ min: 1, max: 200 }), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 1000 })])(
    "never over the bound, keeps the newest keys in order, the newest always",
    (maxEntries, writes) => {
      const map = new Map<number, number>()
      const model: Array<number> = []
      for (const k of writes) {
        map.delete(k)
        map.set(k, k)
        BoundedMap.trimOldest(map, maxEntries)
        const at = model.indexOf(k)
        if (at >= 0) model.splice(at, 1)
        model.push(k)
        expect(map.size).toBeLessThanOrEqual(maxEntries)
        expect(map.get(k)).toBe(k)
        expect([...map.keys()]).toEqual(model.slice(model.length - map.size))
      }
    }
  )
})
