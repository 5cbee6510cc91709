// The deadlines of a pipeline group (`Deadline.exitsWithin`) and of the DNS questions' waiters
// (`InFlight`) are waits in the process's lanes (`DeadlineLanes.shared`): over any schedule of
// answers, deadlines and the caller's interruption (fake timers, no timed assertion), an item
// answered before its deadline settles with its answer, one that is not settles late and is
// cancelled, an interrupted caller cancels every item, and no wait is left in a lane afterwards
// (a settled item's deadline never fires, and no timer outlives the group).
import { fc, test } from "@fast-check/vitest"
import { Effect, Exit, Fiber } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import { referencedTimers } from "./support/referencedTimers.ts"
import { exitsWithin } from "../src/Deadline.ts"
import * as DeadlineLanes from "../src/DeadlineLanes.ts"
import * as InFlight from "../src/dns/InFlight.ts"
import type { Answered } from "../src/dns/Dns.ts"
import * as Later from "../src/Later.ts"

afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

/** Referenced timers pending (a lane with no wait parks its timer unreferenced: not counted). */
let referenced: () => number = () => vi.getTimerCount()
const fakeTimers = () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "Date", "performance"] })
  referenced = referencedTimers()
}

/** A Later told `i` after `millis` (a fake timer), its cancel recorded. */
const answerAfter = (i: number, millis: number, cancelled: Set<number>): Later.Later<number> =>
  Later.make<number>((done) => {
    const t = setTimeout(() => done(Exit.succeed(i)), millis)
    return () => {
      cancelled.add(i)
      clearTimeout(t)
    }
  })

// Answers and deadlines apart by at least 2 ms: a deadline ends one turn after its timer, which
// fake timers count as a millisecond, so an answer 1 ms after its deadline may still win.
const itemArb = fc
  .record({ answer: fc.integer({ min: 1, max: 300 }), deadline: fc.constantFrom(0, 50, 120, 200) })
  .filter((s) => s.deadline === 0 || Math.abs(s.answer - s.deadline) >= 2)

describe("deadlines in the shared lanes", () => {
  test.prop([fc.array(itemArb, { minLength: 1, maxLength: 6 }), fc.option(fc.integer({ min: 1, max: 400 }))], {
    numRuns: 60
  })(
    "exitsWithin: answered in time settles, late is cancelled, an interrupted caller cancels all; no wait left",
    async (items, interruptAt) => {
      fakeTimers()
      const cancelled = new Set<number>()
      const fiber = Effect.runFork(
        exitsWithin(items.map((s, i) => ({ effect: answerAfter(i, s.answer, cancelled), millis: s.deadline })))
      )
      if (interruptAt !== null) setTimeout(() => fiber.interruptUnsafe(), interruptAt)
      // When each item ends by itself: its answer, or one turn after its deadline.
      const endOf = (s: { answer: number; deadline: number }) =>
        s.deadline > 0 && s.deadline < s.answer ? s.deadline + 1 : s.answer
      const groupEnd = Math.max(...items.map(endOf))
      const interrupted = interruptAt !== null && interruptAt < groupEnd
      // Just after the group's end: nothing left in the lanes, though later deadlines were set.
      await vi.advanceTimersByTimeAsync((interrupted ? interruptAt : groupEnd) + 2)
      expect(DeadlineLanes.shared.lengths()).toBe(0)
      const exit = fiber.pollUnsafe()
      expect(exit).toBeDefined()
      await vi.advanceTimersByTimeAsync(1000)
      if (interrupted) {
        expect(Exit.isFailure(exit!)).toBe(true)
        items.forEach((s, i) => {
          if (endOf(s) > interruptAt!) expect(cancelled.has(i)).toBe(true)
        })
      } else if (interruptAt === null || interruptAt > groupEnd) {
        expect(Exit.isSuccess(exit!)).toBe(true)
        const out = Exit.isSuccess(exit!) ? exit.value : []
        items.forEach((s, i) => {
          const late = s.deadline > 0 && s.deadline < s.answer
          expect(out[i] === undefined).toBe(late)
          if (!late) expect(out[i]!.exit).toEqual(Exit.succeed(i))
          expect(cancelled.has(i)).toBe(late)
        })
      }
      expect(DeadlineLanes.shared.lengths()).toBe(0)
    }
  )

  it("exitsWithin: items answered in time leave no wait, and their deadlines never fire", async () => {
    fakeTimers()
    const cancelled = new Set<number>()
    const fiber = Effect.runFork(
      exitsWithin([
        { effect: answerAfter(0, 10, cancelled), millis: 5000 },
        { effect: answerAfter(1, 20, cancelled), millis: 5000 }
      ])
    )
    await vi.advanceTimersByTimeAsync(25)
    const exit = fiber.pollUnsafe()
    expect(exit !== undefined && Exit.isSuccess(exit) && exit.value.map((s) => s?.exit)).toEqual([
      Exit.succeed(0),
      Exit.succeed(1)
    ])
    expect(DeadlineLanes.shared.lengths()).toBe(0)
    expect(referenced()).toBe(0)
    await vi.advanceTimersByTimeAsync(6000)
    expect(cancelled.size).toBe(0)
  })

  it("exitsWithin: interrupting the caller takes its items' waits out of the lanes", async () => {
    fakeTimers()
    const cancelled = new Set<number>()
    const fiber = Effect.runFork(
      exitsWithin([
        { effect: answerAfter(0, 60_000, cancelled), millis: 30_000 },
        { effect: answerAfter(1, 60_000, cancelled), millis: 40_000 }
      ])
    )
    await vi.advanceTimersByTimeAsync(10)
    expect(DeadlineLanes.shared.lengths()).toBe(2)
    fiber.interruptUnsafe()
    await vi.advanceTimersByTimeAsync(10)
    expect(fiber.pollUnsafe()).toBeDefined()
    expect([...cancelled].sort()).toEqual([0, 1])
    expect(DeadlineLanes.shared.lengths()).toBe(0)
    expect(referenced()).toBe(0)
  })

  it("a DNS question's waiter: told the answer, timed out, or cancelled, it leaves no wait", () => {
    fakeTimers()
    const inFlight = InFlight.make()
    let answer: Answered | undefined
    let questionCancelled = 0
    const start: InFlight.Start = (answered) => {
      answer = answered
      return () => questionCancelled++
    }
    const waiter = (timeoutMillis: number): InFlight.Waiter => ({
      type: "TXT",
      name: "example.org",
      timeoutMillis,
      startedAt: Date.now()
    })
    const told: Array<string> = []
    const tell = (who: string) => (exit: Exit.Exit<unknown, unknown>) =>
      told.push(`${who} ${Exit.isSuccess(exit) ? "answer" : "error"}`)

    // Told the answer: its deadline leaves the lane.
    inFlight.join("TXT example.org", start, waiter(2000), Date.now(), tell("a"))
    expect(DeadlineLanes.shared.lengths()).toBe(1)
    answer!(Exit.succeed({ _tag: "NotFound", detail: "nx" }))
    expect(DeadlineLanes.shared.lengths()).toBe(0)

    // Timed out: told `Timeout` at its time, the question cancelled with its last waiter gone.
    inFlight.join("TXT example.org", start, waiter(300), Date.now(), tell("b"))
    vi.advanceTimersByTime(299)
    expect(told).toEqual(["a answer"])
    vi.advanceTimersByTime(2)
    expect(told).toEqual(["a answer", "b error"])
    expect(questionCancelled).toBe(1)
    expect(DeadlineLanes.shared.lengths()).toBe(0)

    // Cancelled: never told, its wait gone at once.
    const cancel = inFlight.join("TXT example.org", start, waiter(300), Date.now(), tell("c"))
    cancel()
    expect(DeadlineLanes.shared.lengths()).toBe(0)
    vi.advanceTimersByTime(1000)
    expect(told).toEqual(["a answer", "b error"])
    expect(questionCancelled).toBe(2)
    expect(referenced()).toBe(0)
  })
})
