// The resolver's shared timers: waits of one length end in order, a cancelled wait never fires,
// lengths are kept apart, and a length with nothing left holds no timer. Fake timers, with
// `setImmediate` among them: a wait's end runs one turn after its timer.
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
})
