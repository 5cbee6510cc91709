// The embedded DNS cache store: bounded, the oldest inserted dropped first, in batches.
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Dns } from "../../src/index.ts"

const entry = (i: number): Dns.CachedEntry => ({ outcome: { _tag: "NotFound", detail: String(i) }, expiresAt: i })

describe("makeMemoryStore", () => {
  it("when full, drops the oldest sixteenth at once and keeps the newest", () => {
    const store = Dns.makeMemoryStore(160)
    for (let i = 0; i < 160; i++) Effect.runSync(store.set(`k${i}`, entry(i)))
    expect(store.size()).toBe(160)
    Effect.runSync(store.set("k160", entry(160)))
    // 161 entries: the oldest 11 go (one over, and a sixteenth of 160).
    expect(store.size()).toBe(150)
    expect(store.peek?.("k10")).toBeUndefined()
    expect(store.peek?.("k11")).toEqual(entry(11))
    expect(store.peek?.("k160")).toEqual(entry(160))
  })

  it("a key written again counts as new: it outlives older ones", () => {
    const store = Dns.makeMemoryStore(16)
    for (let i = 0; i < 16; i++) Effect.runSync(store.set(`k${i}`, entry(i)))
    Effect.runSync(store.set("k0", entry(100)))
    Effect.runSync(store.set("k16", entry(16)))
    expect(store.peek?.("k0")).toEqual(entry(100))
    expect(store.peek?.("k1")).toBeUndefined()
    expect(Effect.runSync(store.get("k0"))).toEqual(entry(100))
  })

  test.prop([fc.integer({ min: 1, max: 300 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 1500 })])(
    "never holds more than maxEntries, and always the most recently written key",
    (maxEntries, writes) => {
      const store = Dns.makeMemoryStore(maxEntries)
      const model: Array<number> = [] // keys, oldest written first
      for (const k of writes) {
        Effect.runSync(store.set(`k${k}`, entry(k)))
        const at = model.indexOf(k)
        if (at >= 0) model.splice(at, 1)
        model.push(k)
        expect(store.size()).toBeLessThanOrEqual(maxEntries)
        expect(store.peek?.(`k${k}`)).toEqual(entry(k))
      }
      // What is kept is the newest `size()` keys written, in the model's order.
      const kept = model.slice(model.length - store.size())
      for (const k of kept) expect(store.peek?.(`k${k}`)).toEqual(entry(k))
      for (const k of model.slice(0, model.length - store.size())) expect(store.peek?.(`k${k}`)).toBeUndefined()
    }
  )
})
