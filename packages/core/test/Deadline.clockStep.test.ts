// Every deadline of a message is timed by the monotonic clock (`Monotonic.ts`), not the wall
// clock: a faked `Date` stepped an hour forward must end no pending deadline early (a stage's, a
// DNS waiter's, a list batch's), and one stepped back must hold none late. Fake timers fake
// `performance` beside `Date`; `vi.setSystemTime` moves only `Date`. Times are counted by the
// test itself (`elapsed`, the time advanced before the step that ran a callback), on no clock. The wall-clock lanes fail each case: forward, a wait
// queued behind another of its length ended with it; back, it was re-armed an hour late.
import { Effect, Exit } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { BlocklistAnswer, BlocklistProvider } from "../src/Blocklist.ts"
import { askAll, type Told } from "../src/blocklist/AskBatch.ts"
import { exitsWithin } from "../src/Deadline.ts"
import * as DeadlineLanes from "../src/DeadlineLanes.ts"
import type { Answered } from "../src/dns/Dns.ts"
import * as InFlight from "../src/dns/InFlight.ts"
import * as Later from "../src/Later.ts"

afterEach(() => {
  vi.useRealTimers()
})

const HOUR = 3_600_000
const steps = [HOUR, -HOUR]

/** Fake timers and the test's own count of the time they advanced. */
const fakeTime = () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "Date", "performance"] })
  const time = { elapsed: 0 }
  return {
    time,
    advance: async (millis: number) => {
      await vi.advanceTimersByTimeAsync(millis)
      time.elapsed += millis
    },
    step: (millis: number) => vi.setSystemTime(Date.now() + millis)
  }
}

/** A Later told `i` after `millis` (a fake timer), or never. */
const answerAfter = (i: number, millis: number | undefined): Later.Later<number> =>
  Later.make<number>((done) => {
    if (millis === undefined) return () => {}
    const t = setTimeout(() => done(Exit.succeed(i)), millis)
    return () => clearTimeout(t)
  })

describe("a step of the wall clock", () => {
  it.each(steps)(
    "exitsWithin (step %d ms): a group's items end by their answer or their own deadline",
    async (step) => {
      const clock = fakeTime()
      const first = Effect.runFork(exitsWithin([{ effect: answerAfter(0, undefined), millis: 300 }]))
      await clock.advance(100)
      const second = Effect.runFork(
        exitsWithin([
          { effect: answerAfter(1, 250), millis: 300 },
          { effect: answerAfter(2, undefined), millis: 300 }
        ])
      )
      await clock.advance(50)
      clock.step(step)
      await clock.advance(148)
      expect(first.pollUnsafe()).toBeUndefined()
      await clock.advance(4)
      expect(first.pollUnsafe()).toEqual(Exit.succeed([undefined]))
      await clock.advance(96)
      expect(second.pollUnsafe()).toBeUndefined()
      await clock.advance(4)
      const out = second.pollUnsafe()
      expect(out !== undefined && Exit.isSuccess(out) ? out.value.map((s) => s?.exit) : out).toEqual([
        Exit.succeed(1),
        undefined
      ])
      expect(DeadlineLanes.shared.lengths()).toBe(0)
    }
  )

  it.each(steps)("DNS waiters (step %d ms): told the answer in time, Timeout at their own time", async (step) => {
    const clock = fakeTime()
    const inFlight = InFlight.make()
    const answers = new Map<string, Answered>()
    const ask = (name: string) => {
      const start: InFlight.Start = (answered) => {
        answers.set(name, answered)
        return () => {}
      }
      const waiter: InFlight.Waiter = { type: "TXT", name, timeoutMillis: 300, startedAt: Date.now() }
      inFlight.join(`TXT ${name}`, start, waiter, Date.now(), (exit) =>
        told.push(`${name} ${Exit.isSuccess(exit) ? "answer" : "timeout"}@${clock.time.elapsed}`)
      )
    }
    const told: Array<string> = []
    ask("a.example")
    await clock.advance(100)
    ask("b.example")
    ask("c.example")
    await clock.advance(50)
    clock.step(step)
    await clock.advance(100)
    answers.get("b.example")!(Exit.succeed({ _tag: "NotFound", detail: "nx" }))
    await clock.advance(48)
    expect(told).toEqual(["b.example answer@250"])
    await clock.advance(4)
    expect(told).toEqual(["b.example answer@250", "a.example timeout@298"])
    await clock.advance(96)
    expect(told).toHaveLength(2)
    await clock.advance(4)
    expect(told).toEqual(["b.example answer@250", "a.example timeout@298", "c.example timeout@398"])
    expect(DeadlineLanes.shared.lengths()).toBe(0)
  })

  it.each(steps)("a list batch (step %d ms): re-armed for the next deadline at its own time", async (step) => {
    const clock = fakeTime()
    const tells = new Map<string, Parameters<NonNullable<BlocklistProvider["ask"]>>[2]>()
    const provider = (name: string, timeoutMillis: number): BlocklistProvider => ({
      name,
      kinds: ["ip"],
      timeoutMillis,
      lookup: () => Effect.die("unused"),
      ask: (_q, _now, answered) => {
        tells.set(name, answered)
        return () => {}
      }
    })
    const told: Array<string> = []
    const query = { kind: "ip" as const, value: "192.0.2.1" }
    const batch = askAll(
      [
        { provider: provider("short", 100), query },
        { provider: provider("long", 300), query }
      ],
      4,
      () => Date.now(),
      (raw) => raw as BlocklistAnswer,
      (i, t: Told) => told.push(`${i} ${t.answer._tag}${t.inTime ? "" : " late"}@${clock.time.elapsed}`)
    )
    const fiber = Effect.runFork(Later.toEffect(batch))
    await clock.advance(20)
    clock.step(step)
    await clock.advance(30)
    // Answered: the batch's timer moves on to the long provider's deadline, at 300.
    tells.get("short")!({ _tag: "NotListed" })
    await clock.advance(248)
    expect(told).toEqual(["0 NotListed@50"])
    await clock.advance(4)
    expect(told).toEqual(["0 NotListed@50", "1 Unknown late@298"])
    expect(fiber.pollUnsafe()).toEqual(Exit.void)
    expect(DeadlineLanes.shared.lengths()).toBe(0)
  })
})
