// The mint gate bounds the work clients can cause with new names: a burst, then a rate, a
// concurrency limit and a bounded queue; beyond the queue a request is declined at once. Fake
// timers drive the rate, so nothing here depends on how fast the machine is.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { MintGate } from "../../src/tls/index.ts"

/** A task that finishes when the test says so. */
const deferred = () => {
  let finish!: (value: string) => void
  let fail!: (error: Error) => void
  const promise = new Promise<string>((resolve, reject) => {
    finish = resolve
    fail = reject
  })
  return { promise, finish, fail }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe("MintGate", () => {
  it("a burst starts at once, then one a second; past maxWaiting a request is declined and nothing runs", async () => {
    const gate = MintGate.make({ perSecond: 1, burst: 2, concurrency: 10, maxWaiting: 2 })
    let started = 0
    const task = () => {
      started++
      return Promise.resolve("leaf")
    }
    const runs = Array.from({ length: 5 }, () => gate.run(task))
    expect(runs.filter((r) => r === undefined)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toBe(2)
    expect(gate.stats()).toMatchObject({ started: 2, declined: 1, waiting: 2 })
    await vi.advanceTimersByTimeAsync(999)
    expect(started).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(started).toBe(3)
    await vi.advanceTimersByTimeAsync(1000)
    expect(started).toBe(4)
    expect(await Promise.all(runs.filter((r) => r !== undefined))).toEqual(["leaf", "leaf", "leaf", "leaf"])
    expect(gate.stats()).toEqual({ started: 4, declined: 1, waiting: 0, running: 0 })
  })

  it("runs at most `concurrency` at once; a failing task frees its place", async () => {
    const gate = MintGate.make({ perSecond: 100, burst: 100, concurrency: 1 })
    const first = deferred()
    const second = deferred()
    const a = gate.run(() => first.promise)!
    const b = gate.run(() => second.promise)!
    await vi.advanceTimersByTimeAsync(0)
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 1 })
    first.fail(new Error("mint failed"))
    await expect(a).rejects.toThrow("mint failed")
    await vi.advanceTimersByTimeAsync(0)
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 0, started: 2 })
    second.finish("second")
    expect(await b).toBe("second")
  })

  it("a task that throws synchronously rejects its run", async () => {
    const gate = MintGate.make()
    await expect(
      gate.run(() => {
        throw new Error("boom")
      })
    ).rejects.toThrow("boom")
    expect(gate.stats().running).toBe(0)
  })

  it("tokens come back after a quiet spell, up to the burst", async () => {
    const gate = MintGate.make({ perSecond: 10, burst: 3, concurrency: 10, maxWaiting: 0 })
    const ok = () => Promise.resolve("ok")
    expect([gate.run(ok), gate.run(ok), gate.run(ok)].every((r) => r !== undefined)).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    // maxWaiting 0: with no token left, the next is declined rather than queued.
    expect(gate.run(ok)).toBeUndefined()
    await vi.advanceTimersByTimeAsync(60_000)
    expect([gate.run(ok), gate.run(ok), gate.run(ok)].every((r) => r !== undefined)).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(gate.stats()).toMatchObject({ started: 6, declined: 1 })
  })

  it("configure: new rates from then on; what waits keeps its turn and starts at the new rate", async () => {
    const gate = MintGate.make({ perSecond: 1, burst: 1, concurrency: 10, maxWaiting: 1 })
    expect(gate.rates()).toEqual({ perSecond: 1, burst: 1, concurrency: 10, maxWaiting: 1 })
    let started = 0
    const task = () => {
      started++
      return Promise.resolve("leaf")
    }
    const first = gate.run(task)
    const waiting = gate.run(task)
    expect(gate.run(task)).toBeUndefined()
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toBe(1)
    gate.configure({ perSecond: 10, maxWaiting: 5 })
    expect(gate.rates()).toEqual({ perSecond: 10, burst: 1, concurrency: 10, maxWaiting: 5 })
    // At 10 a second the waiting one starts within 100 ms, not the old rate's second.
    await vi.advanceTimersByTimeAsync(100)
    expect(started).toBe(2)
    // And the queue takes more than one now.
    const more = [gate.run(task), gate.run(task), gate.run(task)]
    expect(more.every((r) => r !== undefined)).toBe(true)
    await vi.advanceTimersByTimeAsync(300)
    expect(started).toBe(5)
    expect(await Promise.all([first, waiting, ...more])).toEqual(Array(5).fill("leaf"))
  })

  it("configure refuses a bad value and changes nothing; the defaults are 20/s, burst 20, 2 at once, 100 waiting", () => {
    const gate = MintGate.make()
    expect(gate.rates()).toEqual({ perSecond: 20, burst: 20, concurrency: 2, maxWaiting: 100 })
    expect(() => gate.configure({ perSecond: 5, concurrency: 0 })).toThrow(/concurrency must be a positive number/)
    expect(() => gate.configure({ maxWaiting: -1 })).toThrow(/maxWaiting must be a number >= 0/)
    expect(gate.rates()).toEqual(MintGate.DEFAULT_RATES)
  })
})

// Values an admin's reload or a library caller can hand the gate, and a clock an unattended
// machine can see: none may stall minting for good or turn a wait into a busy loop.
describe("MintGate: extreme rates, a shrinking concurrency, a clock stepped back", () => {
  it("refuses a burst below one: no token could ever be whole, and every mint would wait forever", () => {
    expect(() => MintGate.make({ burst: 0.5 })).toThrow(/burst must be at least 1/)
    const gate = MintGate.make()
    expect(() => gate.configure({ burst: 0.5 })).toThrow(/burst must be at least 1/)
    expect(gate.rates()).toEqual(MintGate.DEFAULT_RATES)
  })

  it("a very slow rate waits with one timer, not a timer every millisecond", async () => {
    let reads = 0
    const gate = MintGate.make({
      perSecond: 1e-7,
      burst: 1,
      now: () => {
        reads++
        return Date.now()
      }
    })
    const first = gate.run(() => Promise.resolve("first"))
    const second = gate.run(() => Promise.resolve("second"))
    await vi.advanceTimersByTimeAsync(0)
    expect(await first).toBe("first")
    const before = reads
    await vi.advanceTimersByTimeAsync(1000)
    // A wait past setTimeout's limit (about 24.8 days) is cut to it, not fired after 1 ms.
    expect(reads - before).toBeLessThan(5)
    expect(gate.stats()).toMatchObject({ waiting: 1, running: 0 })
    void second
  })

  it("a clock stepped back does not take tokens away", async () => {
    let t = 1_000_000
    const gate = MintGate.make({ perSecond: 1, burst: 5, now: () => t })
    let started = 0
    const task = () => {
      started++
      return Promise.resolve("leaf")
    }
    await gate.run(task)
    t -= 3_600_000 // an hour back (NTP step, an admin setting the clock)
    const second = gate.run(task)
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toBe(2)
    expect(gate.stats()).toMatchObject({ waiting: 0 })
    expect(await second).toBe("leaf")
  })

  it("concurrency shrunk while mints run and others wait: they finish, the waiting start one at a time, none is lost", async () => {
    const gate = MintGate.make({ perSecond: 100, burst: 100, concurrency: 3, maxWaiting: 10 })
    const tasks = Array.from({ length: 6 }, () => deferred())
    const runs = tasks.map((d) => gate.run(() => d.promise)!)
    await vi.advanceTimersByTimeAsync(0)
    expect(gate.stats()).toMatchObject({ running: 3, waiting: 3 })
    gate.configure({ concurrency: 1 })
    tasks[0]!.finish("0")
    tasks[1]!.finish("1")
    await vi.advanceTimersByTimeAsync(0)
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 3 })
    tasks[2]!.finish("2")
    await vi.advanceTimersByTimeAsync(0)
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 2 })
    for (const d of tasks.slice(3)) {
      d.finish("later")
      await vi.advanceTimersByTimeAsync(0)
    }
    expect(await Promise.all(runs)).toEqual(["0", "1", "2", "later", "later", "later"])
    expect(gate.stats()).toEqual({ started: 6, declined: 0, waiting: 0, running: 0 })
  })
})
