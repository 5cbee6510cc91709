// Auto-learning's hourly slots in memory (the single process's and the multi-process primary's):
// checked against a model of per-hour, per-class counters, for any order of takes.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { makeLearnSlots } from "../../src/state/TokenStore.ts"

describe("learn slots", () => {
  test.prop([
    fc.array(fc.record({ label: fc.constantFrom("ham" as const, "spam" as const), step: fc.nat(2) }), {
      maxLength: 60
    }),
    fc.integer({ min: 1, max: 5 })
  ])("at most `max` per class in an hour; a new hour starts afresh; an older hour takes none", (takes, max) => {
    const take = makeLearnSlots()
    let hour = 1000
    let newest = Number.NaN
    const model = new Map<string, number>()
    for (const { label, step } of takes) {
      // step 0: the same hour, 1: the next hour, 2: an hour before the newest seen.
      const at = step === 0 ? hour : step === 1 ? ++hour : hour - 1
      const key = `${label}:${at}`
      const expected = !(at < newest) && (model.get(key) ?? 0) < max
      if (expected) model.set(key, (model.get(key) ?? 0) + 1)
      if (!(at < newest)) newest = at
      expect(take(label, at, max)).toBe(expected)
    }
  })
})
