import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as BoundedMemo from "../src/BoundedMemo.ts"

describe("BoundedMemo", () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 60 }), fc.integer({ min: 0, max: 5 })])(
    "answers as the function does, and never holds more than maxEntries keys",
    (keys, maxEntries) => {
      let calls = 0
      const seen: Array<number> = []
      const square = (n: number) => {
        calls++
        seen.push(n)
        return n % 3 === 0 ? undefined : n * n
      }
      const memo = BoundedMemo.make(square, { maxEntries })
      for (const k of keys) expect(memo(k)).toBe(k % 3 === 0 ? undefined : k * k)
      // Keys computed again: only those that had been dropped, so at most maxEntries are kept.
      const kept = new Set<number>()
      let expectedCalls = 0
      for (const k of keys) {
        if (kept.has(k)) continue
        expectedCalls++
        if (maxEntries > 0) {
          if (kept.size >= maxEntries) kept.delete(kept.values().next().value!)
          kept.add(k)
        }
      }
      expect(calls).toBe(expectedCalls)
    }
  )

  it("drops the oldest key first and keeps undefined answers too", () => {
    const calls: Array<string> = []
    const memo = BoundedMemo.make(
      (k: string) => {
        calls.push(k)
        return k === "none" ? undefined : { k }
      },
      { maxEntries: 2 }
    )
    const a = memo("a")
    expect(memo("none")).toBeUndefined()
    expect(memo("a")).toBe(a)
    expect(memo("none")).toBeUndefined()
    expect(calls).toEqual(["a", "none"])
    memo("b") // evicts "a", the oldest
    expect(memo("none")).toBeUndefined()
    expect(memo("a")).not.toBe(a)
    expect(calls).toEqual(["a", "none", "b", "a"])
  })

  it("computes every time what keep refuses", () => {
    let calls = 0
    const memo = BoundedMemo.make(
      (k: string) => {
        calls++
        return k.length
      },
      { maxEntries: 8, keep: (k) => k.length < 4 }
    )
    memo("abc")
    memo("abc")
    memo("long key")
    memo("long key")
    expect(calls).toBe(3)
  })
})
