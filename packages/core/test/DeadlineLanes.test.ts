// Deadline lanes: waits of one length end in order, a cancelled wait never fires, lengths are kept
// apart, and a length with nothing left holds no timer. Fake timers, with `setImmediate` among
// them: a wait's end runs one turn after its timer.
import { fc, test } from "@fast-check/vitest"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { afterEach, describe, expect, it, vi } from "vitest"
import { referencedTimers } from "./support/referencedTimers.ts"
import * as Deadlines from "../src/DeadlineLanes.ts"

/** Referenced timers pending (a lane with no wait parks its timer unreferenced: not counted). */
let referenced: () => number = () => vi.getTimerCount()
const fakeTimers = () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "Date", "performance"] })
  referenced = referencedTimers()
}

describe("DeadlineLanes", () => {
  afterEach(() => {
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  it("fires each wait after its length, in order; a cancelled one never", () => {
    fakeTimers()
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
    expect(referenced()).toBe(0)
  })

  it("many waits of one length hold one timer", () => {
    fakeTimers()
    const d = Deadlines.make()
    let fired = 0
    for (let i = 0; i < 5000; i++) {
      const w = d.add(2000, () => fired++)
      if (i % 2 === 0) w.cancel()
      vi.advanceTimersByTime(1)
    }
    expect(referenced()).toBe(1)
    vi.advanceTimersByTime(2000)
    expect(fired).toBe(2500)
    expect(referenced()).toBe(0)
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

  it("a length whose waits are all cancelled holds no timer", () => {
    fakeTimers()
    const d = Deadlines.make()
    const waits = [d.add(5000, () => {}), d.add(5000, () => {}), d.add(300, () => {})]
    expect(referenced()).toBe(2)
    expect(d.lengths()).toBe(2)
    for (const w of waits) w.cancel()
    expect(referenced()).toBe(0)
    expect(d.lengths()).toBe(0)
  })

  it("a lane kept idle for its length: the handles of its old waits reach none of its new ones", () => {
    fakeTimers()
    const d = Deadlines.make()
    let fired = 0
    const old = [d.add(100, () => fired++), d.add(100, () => fired++)]
    for (const w of old) w.cancel()
    const fresh = d.add(100, () => fired++)
    for (const w of old) w.cancel()
    vi.advanceTimersByTime(101)
    expect(fired).toBe(1)
    fresh.cancel()
    expect(d.lengths()).toBe(0)
    expect(referenced()).toBe(0)
  })

  it("many lengths seen once: each ends at its time, and none holds a timer afterwards", () => {
    fakeTimers()
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<number> = []
    for (let length = 1; length <= 100; length++) {
      const w = d.add(length, () => fired.push(Deadlines.now() - t0 - length))
      if (length % 3 === 0) w.cancel()
    }
    vi.advanceTimersByTime(200)
    expect(fired).toHaveLength(67)
    for (const late of fired) expect(late).toBeLessThanOrEqual(1)
    expect(d.lengths()).toBe(0)
    expect(referenced()).toBe(0)
  })

  it("the oldest wait cancelled: the timer is armed again for the next one, which ends at its own time", () => {
    fakeTimers()
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<number> = []
    const first = d.add(100, () => fired.push(1))
    vi.advanceTimersByTime(40)
    d.add(100, () => fired.push(Deadlines.now() - t0))
    first.cancel()
    vi.advanceTimersByTime(100)
    expect(fired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual([141])
    expect(referenced()).toBe(0)
  })

  it("a wait added or cancelled by a wait that ends: the new one takes its whole length, the cancelled one never ends", () => {
    fakeTimers()
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<string> = []
    let late: Deadlines.Wait | undefined
    d.add(100, () => {
      fired.push(`a@${Deadlines.now() - t0}`)
      late?.cancel()
      d.add(100, () => fired.push(`again@${Deadlines.now() - t0}`))
    })
    late = d.add(100, () => fired.push("late"))
    vi.advanceTimersByTime(101)
    expect(fired).toEqual(["a@101"])
    vi.advanceTimersByTime(101)
    expect(fired).toEqual(["a@101", "again@202"])
    expect(referenced()).toBe(0)
  })

  it("cancelling a wait that has ended changes nothing", () => {
    fakeTimers()
    const d = Deadlines.make()
    let fired = 0
    const a = d.add(50, () => fired++)
    vi.advanceTimersByTime(51)
    a.cancel()
    a.cancel()
    const b = d.add(50, () => fired++)
    a.cancel()
    expect(d.lengths()).toBe(1)
    vi.advanceTimersByTime(51)
    expect(fired).toBe(2)
    b.cancel()
    expect(d.lengths()).toBe(0)
  })

  it("a lane left armed under other timers is armed again under the current ones", () => {
    fakeTimers()
    const d = Deadlines.make()
    // A wait left pending under fake timers: its lane's timer is a fake one that never runs now.
    d.add(20, () => {})
    vi.restoreAllMocks()
    vi.useRealTimers()
    return new Promise<void>((resolve) => {
      d.add(20, resolve)
    })
  })

  // `passed` > 0: an `addUntil` wait of that length with some of it passed (at most all of it).
  type Op =
    | { readonly _tag: "add"; readonly length: number; readonly passed: number }
    | { readonly _tag: "cancel"; readonly which: number }
    | { readonly _tag: "advance"; readonly millis: number }
    | { readonly _tag: "step"; readonly millis: number }
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      _tag: fc.constant("add" as const),
      length: fc.constantFrom(1, 7, 50, 200),
      passed: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 }))
    }),
    fc.record({ _tag: fc.constant("cancel" as const), which: fc.nat(120) }),
    fc.record({ _tag: fc.constant("advance" as const), millis: fc.integer({ min: 0, max: 120 }) }),
    // The wall clock stepped (an NTP correction, a resumed machine): no wait may move.
    fc.record({ _tag: fc.constant("step" as const), millis: fc.integer({ min: -3_600_000, max: 3_600_000 }) })
  )

  test.prop([fc.array(op, { maxLength: 200 })])(
    "over any schedule (add and addUntil, wall clock steps): each wait not cancelled before its end ends once, within a turn of it, in order per length (add); none else",
    (ops) => {
      fakeTimers()
      try {
        const d = Deadlines.make()
        const start = Deadlines.now()
        const waits: Array<{
          wait: Deadlines.Wait
          end: number
          length: number
          until: boolean
          cancelledAt?: number
        }> = []
        const fired: Array<{ index: number; at: number }> = []
        for (const o of ops) {
          if (o._tag === "add") {
            const index = waits.length
            const until = o.passed > 0
            const end = Deadlines.now() + o.length - Math.min(o.passed, o.length)
            const fire = () => fired.push({ index, at: Deadlines.now() })
            const wait = until ? d.addUntil(o.length, end, fire) : d.add(o.length, fire)
            waits.push({ wait, end, length: o.length, until })
          } else if (o._tag === "cancel") {
            const w = waits[o.which]
            if (w !== undefined) {
              w.wait.cancel()
              w.cancelledAt ??= Deadlines.now()
            }
          } else if (o._tag === "step") vi.setSystemTime(Date.now() + o.millis)
          else vi.advanceTimersByTime(o.millis)
        }
        vi.advanceTimersByTime(1000)
        const firedAt = new Map<number, number>()
        for (const f of fired) {
          expect(firedAt.has(f.index)).toBe(false)
          firedAt.set(f.index, f.at)
        }
        waits.forEach((w, i) => {
          const at = firedAt.get(i)
          // A cancel at the very time it ended (same fake millisecond) may come after or before it.
          const cancelledFirst = w.cancelledAt !== undefined && (at === undefined || w.cancelledAt < at)
          if (cancelledFirst) expect(at).toBeUndefined()
          else {
            expect(at).toBeDefined()
            expect(at!).toBeGreaterThanOrEqual(w.end)
            expect(at!).toBeLessThanOrEqual(w.end + 1)
          }
        })
        for (const length of new Set(waits.map((w) => w.length))) {
          const order = fired
            .filter((f) => waits[f.index]!.length === length && !waits[f.index]!.until)
            .map((f) => f.index)
          expect(order).toEqual([...order].sort((a, b) => a - b))
        }
        expect(d.lengths()).toBe(0)
        expect(referenced()).toBe(0)
        expect(Deadlines.now() - start).toBeGreaterThanOrEqual(1000)
      } finally {
        vi.restoreAllMocks()
        vi.useRealTimers()
      }
    }
  )

  it("addUntil: waits of one length with some of it passed share its lane, each ending at its own end", () => {
    fakeTimers()
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<string> = []
    d.addUntil(100, t0 + 100, () => fired.push(`a@${Deadlines.now() - t0}`))
    vi.advanceTimersByTime(10)
    d.addUntil(100, t0 + 105, () => fired.push(`b@${Deadlines.now() - t0}`))
    d.addUntil(100, t0 + 110, () => fired.push(`c@${Deadlines.now() - t0}`))
    expect(d.lengths()).toBe(1)
    expect(referenced()).toBe(1)
    vi.advanceTimersByTime(200)
    expect(fired).toEqual(["a@101", "b@106", "c@111"])
    expect(referenced()).toBe(0)
  })

  it("addUntil: a wait ending before the last one of its length is timed by what is left of it", () => {
    fakeTimers()
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<string> = []
    d.addUntil(100, t0 + 100, () => fired.push(`late@${Deadlines.now() - t0}`))
    d.addUntil(100, t0 + 40, () => fired.push(`early@${Deadlines.now() - t0}`))
    expect(d.lengths()).toBe(2)
    vi.advanceTimersByTime(200)
    expect(fired).toEqual(["early@41", "late@101"])
    expect(d.lengths()).toBe(0)
    expect(referenced()).toBe(0)
  })

  it("a step of the wall clock ends no wait early and holds none late", () => {
    fakeTimers()
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<string> = []
    d.add(100, () => fired.push(`a@${Deadlines.now() - t0}`))
    d.addUntil(200, t0 + 150, () => fired.push(`b@${Deadlines.now() - t0}`))
    vi.advanceTimersByTime(10)
    // An hour forward: the wall-clock lanes ended both at their timers' next run.
    vi.setSystemTime(Date.now() + 3_600_000)
    vi.advanceTimersByTime(60)
    expect(fired).toEqual([])
    // An hour back, then a wait of the same length: it ends at its own time, the older one too.
    vi.setSystemTime(Date.now() - 7_200_000)
    d.add(100, () => fired.push(`c@${Deadlines.now() - t0}`))
    vi.advanceTimersByTime(300)
    expect(fired).toEqual(["a@101", "b@151", "c@171"])
    expect(d.lengths()).toBe(0)
    expect(referenced()).toBe(0)
  })

  it("addUntil: a wait less than a millisecond before the last of its length ends with it, in its lane", () => {
    fakeTimers()
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<string> = []
    // The monotonic clock reads fractions of a millisecond; `Date.now()` read these ends as one.
    d.addUntil(100, t0 + 100, () => fired.push(`a@${Deadlines.now() - t0}`))
    d.addUntil(100, t0 + 99.5, () => fired.push(`b@${Deadlines.now() - t0}`))
    expect(d.lengths()).toBe(1)
    // A millisecond or more before: the lane of what is left, in whole milliseconds (99).
    d.addUntil(100, t0 + 98.6, () => fired.push(`c@${Deadlines.now() - t0}`))
    d.addUntil(100, t0 + 98.2, () => fired.push(`d@${Deadlines.now() - t0}`))
    expect(d.lengths()).toBe(2)
    // An end beyond its length is taken as its length.
    d.addUntil(100, t0 + 5000, () => fired.push(`e@${Deadlines.now() - t0}`))
    expect(d.lengths()).toBe(2)
    vi.advanceTimersByTime(200)
    expect(fired).toEqual(["c@100", "d@100", "a@101", "b@101", "e@101"])
    expect(d.lengths()).toBe(0)
    expect(referenced()).toBe(0)
  })

  it("a lane that empties parks its timer unreferenced; the next wait of its length refreshes it, no new timer", () => {
    fakeTimers()
    const setTimeouts = () =>
      (globalThis.setTimeout as unknown as { mock: { calls: Array<unknown> } }).mock.calls.length
    const d = Deadlines.make()
    const t0 = Deadlines.now()
    const fired: Array<string> = []
    d.add(100, () => fired.push("cancelled")).cancel()
    const set = setTimeouts()
    // Parked: pending (until its time) but not referenced, so an idle process still exits.
    expect(referenced()).toBe(0)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(50)
    d.add(100, () => fired.push(`a@${Deadlines.now() - t0}`))
    expect(setTimeouts()).toBe(set)
    expect(referenced()).toBe(1)
    vi.advanceTimersByTime(200)
    expect(fired).toEqual(["a@151"])
    // A parked timer that reaches its time ends nothing, and is refreshed still.
    d.add(100, () => fired.push("cancelled")).cancel()
    vi.advanceTimersByTime(200)
    expect(vi.getTimerCount()).toBe(0)
    d.add(100, () => fired.push(`b@${Deadlines.now() - t0}`))
    vi.advanceTimersByTime(200)
    expect(fired).toEqual(["a@151", "b@551"])
    expect(setTimeouts()).toBe(set)
    // Another length, or what is left of one, sets a timer of its own.
    d.add(70, () => fired.push("c"))
    expect(setTimeouts()).toBe(set + 1)
    vi.advanceTimersByTime(100)
    expect(referenced()).toBe(0)
  })
})
