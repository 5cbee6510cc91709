// The resolver's shared timers: waits of one length end in order, a cancelled wait never fires,
// lengths are kept apart, and a length with nothing left holds no timer. Fake timers, with
// `setImmediate` among them: a wait's end runs one turn after its timer.
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as Deadlines from "../src/dns/Deadlines.ts"

describe("Deadlines", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("fires each wait after its length, in order; a cancelled one never", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "Date"] })
    const d = Deadlines.make()
    const fired: Array<string> = []
    d.add(100, () => fired.push("a"))
    vi.advanceTimersByTime(30)
    const b = d.add(100, () => fired.push("b"))
    d.add(50, () => fired.push("short"))
    d.add(100, () => fired.push("c"))
    b.cancel()
    // A wait ends one turn after its timer (core's `Deadline.timer`: answers read in that turn
    // win), which fake timers count as one more millisecond.
    vi.advanceTimersByTime(69)
    expect(fired).toEqual(["short"])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual(["short"])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual(["short", "a"])
    vi.advanceTimersByTime(30)
    expect(fired).toEqual(["short", "a", "c"])
    expect(vi.getTimerCount()).toBe(0)
  })

  it("many waits of one length hold one timer", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "Date"] })
    const d = Deadlines.make()
    let fired = 0
    for (let i = 0; i < 5000; i++) {
      const w = d.add(2000, () => fired++)
      if (i % 2 === 0) w.cancel()
      vi.advanceTimersByTime(1)
    }
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(2000)
    expect(fired).toBe(2500)
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a cancelled wait does not keep its callback alive until its time", async () => {
    // The collector, reached without a command-line flag.
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    const d = Deadlines.make()
    const refs: Array<WeakRef<object>> = []
    const waits = Array.from({ length: 20 }, () => {
      const held = { question: new Uint8Array(64) }
      refs.push(new WeakRef(held))
      return d.add(60_000, () => held.question.fill(0))
    })
    for (const w of waits.slice(0, 10)) w.cancel()
    // Collected only once this turn's strong references to WeakRef targets are released.
    await new Promise((r) => setImmediate(r))
    gc()
    expect(refs.map((r) => r.deref() === undefined)).toEqual(refs.map((_, i) => i < 10))
    for (const w of waits) w.cancel()
  })

  it("the queue keeps no object per wait: a cancelled wait nobody holds is collected before its time", async () => {
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    const d = Deadlines.make()
    const kept = d.add(60_000, () => {})
    const refs = Array.from({ length: 10 }, () => {
      const w = d.add(60_000, () => {})
      w.cancel()
      return new WeakRef(w)
    })
    await new Promise((r) => setImmediate(r))
    gc()
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0)
    kept.cancel()
  })
})
