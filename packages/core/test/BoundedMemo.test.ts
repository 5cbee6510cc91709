import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as BoundedMemo from "../src/BoundedMemo.ts"

describe("BoundedMemo", () => {
  const counting = () => {
    const computed: Array<number> = []
    const f = (n: number) => {
      computed.push(n)
      return n % 3 === 0 ? undefined : n * n
    }
    return { f, computed }
  }

  test.prop([fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 60 }), fc.integer({ min: 0, max: 6 })])(
    "answers as the function does; the last maxEntries / 2 keys asked are kept",
    (keys, maxEntries) => {
      const { f, computed } = counting()
      const memo = BoundedMemo.make(f, { maxEntries })
      for (const k of keys) expect(memo(k)).toBe(k % 3 === 0 ? undefined : k * k)
      const distinct = [...new Set(keys.slice().reverse())]
      const recent = distinct.slice(0, Math.floor(maxEntries / 2))
      const before = computed.length
      for (const k of recent.slice().reverse()) expect(memo(k)).toBe(k % 3 === 0 ? undefined : k * k)
      expect(computed.length).toBe(before)
    }
  )

  test.prop([fc.uniqueArray(fc.nat(1000), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 8 })])(
    "never holds more than maxEntries answers",
    (keys, maxEntries) => {
      const { f, computed } = counting()
      const memo = BoundedMemo.make(f, { maxEntries })
      for (const k of keys) memo(k)
      computed.length = 0
      // Asked again in the same order, each key is either still kept or computed (and kept) again;
      // at most maxEntries of them can have been kept.
      const kept = keys.filter((k) => {
        const n = computed.length
        memo(k)
        return computed.length === n
      })
      expect(kept.length).toBeLessThanOrEqual(maxEntries)
    }
  )

  it("drops the old generation when the young one is full, and keeps undefined answers too", () => {
    const calls: Array<string> = []
    const memo = BoundedMemo.make(
      (k: string) => {
        calls.push(k)
        return k === "none" ? undefined : { k }
      },
      { maxEntries: 4 }
    )
    const a = memo("a")
    expect(memo("none")).toBeUndefined()
    expect(memo("a")).toBe(a)
    expect(memo("none")).toBeUndefined()
    expect(calls).toEqual(["a", "none"])
    memo("b") // a and none become the old generation
    expect(memo("a")).toBe(a) // found there, moved to the young one (with b)
    memo("c") // b and a become the old generation; none is dropped
    memo("d")
    expect(memo("none")).toBeUndefined()
    expect(calls).toEqual(["a", "none", "b", "c", "d", "none"])
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

  it("computes a kept key's answer from its detached copy, and finds it by the caller's key", () => {
    const computedFrom: Array<string> = []
    const memo = BoundedMemo.make(
      (k: string) => {
        computedFrom.push(k)
        return k.length
      },
      { maxEntries: 4, keep: (k) => k !== "not kept", detach: (k) => `${k}` }
    )
    const text = "a message's text, with example.com in it"
    const host = text.slice(text.indexOf("example"), text.indexOf(" in"))
    expect(memo(host)).toBe(11)
    expect(memo("example.com")).toBe(11)
    memo("not kept")
    memo("not kept")
    expect(computedFrom).toEqual(["example.com", "not kept", "not kept"])
  })

  test.prop([fc.string({ maxLength: 300 }), fc.nat(300), fc.nat(300)])("detachText is the same text", (s, a, b) => {
    const cut = s.slice(Math.min(a, b), Math.max(a, b))
    expect(BoundedMemo.detachText(cut)).toBe(cut)
  })
})
