import { fc, test } from "@fast-check/vitest"
import { Effect, Fiber } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery, Cancel } from "../../src/Blocklist.ts"
import { BlocklistRunner } from "../../src/index.ts"
import { referencedTimers } from "../support/referencedTimers.ts"

/**
 * The runner's callback path (`BlocklistProvider.ask`, `AskBatch.ts`) against its Effect path:
 * twin providers that answer the same scripts, one by an Effect, one by callback, must give the
 * same records (all but `millis`), and their lookups must be cancelled alike.
 */

type Script =
  | { readonly _tag: "now"; readonly answer: unknown }
  | { readonly _tag: "later"; readonly at: number; readonly answer: unknown }
  | { readonly _tag: "never" }
  | { readonly _tag: "throw"; readonly text: string }

interface Pending {
  readonly at: number
  readonly answer: unknown
  tell: ((answer: unknown) => void) | undefined
}

/** What a twin saw: lookups asked, cancelled after being asked, and the answers still to give. */
interface Log {
  asked: number
  cancelled: number
  pending: Array<Pending>
  inFlight: number
  mostInFlight: number
}

const newLog = (): Log => ({ asked: 0, cancelled: 0, pending: [], inFlight: 0, mostInFlight: 0 })

const scriptOf = (scripts: ReadonlyMap<string, Script>, name: string, q: BlocklistQuery): Script =>
  scripts.get(`${name} ${q.value}`) ?? { _tag: "now", answer: { _tag: "NotListed" } }

/** The Effect form of a scripted provider. */
const effectTwin = (name: string, timeoutMillis: number, scripts: ReadonlyMap<string, Script>, log: Log) =>
  ({
    name,
    kinds: ["ip"],
    timeoutMillis,
    lookup: (q: BlocklistQuery) => {
      const s = scriptOf(scripts, name, q)
      if (s._tag === "throw") throw new Error(s.text)
      log.asked++
      if (s._tag === "now") return Effect.succeed(s.answer as BlocklistAnswer)
      return Effect.callback<BlocklistAnswer>((resume) => {
        const p: Pending = {
          at: s._tag === "later" ? s.at : Number.POSITIVE_INFINITY,
          answer: s._tag === "later" ? s.answer : undefined,
          tell: (a) => resume(Effect.succeed(a as BlocklistAnswer))
        }
        log.pending.push(p)
        log.inFlight++
        log.mostInFlight = Math.max(log.mostInFlight, log.inFlight)
        return Effect.sync(() => {
          if (p.tell === undefined) return
          p.tell = undefined
          log.inFlight--
          log.cancelled++
        })
      })
    }
  }) satisfies BlocklistProvider

/** The callback form of the same provider (its Effect form never used by the runner). */
const callbackTwin = (name: string, timeoutMillis: number, scripts: ReadonlyMap<string, Script>, log: Log) =>
  ({
    name,
    kinds: ["ip"],
    timeoutMillis,
    lookup: () => Effect.die("the runner asks by callback"),
    ask: (q: BlocklistQuery, _now: number, answered: (a: BlocklistAnswer) => void): Cancel => {
      const s = scriptOf(scripts, name, q)
      if (s._tag === "throw") throw new Error(s.text)
      log.asked++
      if (s._tag === "now") {
        answered(s.answer as BlocklistAnswer)
        return () => {}
      }
      const p: Pending = {
        at: s._tag === "later" ? s.at : Number.POSITIVE_INFINITY,
        answer: s._tag === "later" ? s.answer : undefined,
        tell: (a) => answered(a as BlocklistAnswer)
      }
      log.pending.push(p)
      log.inFlight++
      log.mostInFlight = Math.max(log.mostInFlight, log.inFlight)
      return () => {
        if (p.tell === undefined) return
        p.tell = undefined
        log.inFlight--
        log.cancelled++
      }
    }
  }) satisfies BlocklistProvider

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

/** Tells each pending answer at its time, moving the fake clock; returns what `run` gave. */
const drive = async (
  run: Effect.Effect<ReadonlyArray<BlocklistRunner.LookupRecord>>,
  log: Log,
  until: number
): Promise<ReadonlyArray<BlocklistRunner.LookupRecord> | undefined> => {
  let result: ReadonlyArray<BlocklistRunner.LookupRecord> | undefined
  const fiber = Effect.runFork(Effect.map(run, (r) => (result = r)))
  await flush()
  let t = 0
  for (let step = 1; step <= until; step++) {
    vi.advanceTimersByTime(step - t)
    t = step
    await flush()
    for (const p of log.pending) {
      if (p.at !== step || p.tell === undefined) continue
      const tell = p.tell
      p.tell = undefined
      log.inFlight--
      tell(p.answer)
    }
    await flush()
  }
  if (result === undefined) await Effect.runPromise(Fiber.interrupt(fiber))
  return result
}

const ANSWERS: ReadonlyArray<unknown> = [
  { _tag: "NotListed", ttlSeconds: 60 },
  { _tag: "NotListed" },
  { _tag: "Listed", codes: ["127.0.0.2"], ttlSeconds: 300 },
  { _tag: "Unknown", reason: "Unavailable", detail: "Refused" },
  { _tag: "Unknown", reason: "Timeout", detail: "no answer within 50 ms" },
  { _tag: "Listed", codes: "127.0.0.2" },
  null
]

const script: fc.Arbitrary<Script> = fc.oneof(
  fc.record({ _tag: fc.constant("now" as const), answer: fc.constantFrom(...ANSWERS) }),
  fc.record({
    _tag: fc.constant("later" as const),
    at: fc.integer({ min: 1, max: 12 }),
    answer: fc.constantFrom(...ANSWERS)
  }),
  fc.constant({ _tag: "never" as const }),
  fc.record({ _tag: fc.constant("throw" as const), text: fc.string({ maxLength: 300 }) })
)

const withoutMillis = (records: ReadonlyArray<BlocklistRunner.LookupRecord> | undefined) =>
  records?.map(({ millis: _, ...r }) => r)

/**
 * The timers `askAll` sets (its deadline timer, from src/blocklist/AskBatch.ts), pending and
 * referenced until cleared, parked or fired: not the count of every pending fake timer, which
 * work another file of the worker left running (the files share it) may add to across an
 * `await`. Call after `vi.useFakeTimers`; `afterEach` restores the mocks before the real timers.
 */
const ownTimers = (): { readonly size: number } => {
  const count = referencedTimers(() => new Error().stack?.includes("src/blocklist/AskBatch.ts") === true)
  return {
    get size() {
      return count()
    }
  }
}

describe("BlocklistRunner by callback", () => {
  afterEach(() => {
    // The spies wrap the fake timers: removed first, then the real timers come back.
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  test.prop(
    [
      fc.array(fc.constantFrom(0, 5, 8, 40), { minLength: 1, maxLength: 3 }),
      fc.uniqueArray(fc.constantFrom("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"), {
        minLength: 1,
        maxLength: 5
      }),
      fc.array(script, { minLength: 15, maxLength: 15 }),
      fc.integer({ min: 1, max: 4 })
    ],
    { numRuns: 60 }
  )(
    "gives the Effect path's records, twice (the second time from the cache), and cancels the same lookups",
    async (timeouts, values, scripts, concurrency) => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] })
      const timers = ownTimers()
      const plan = new Map<string, Script>()
      timeouts.forEach((_, p) => values.forEach((v, i) => plan.set(`p${p} ${v}`, scripts[(p * 5 + i) % 15]!)))
      const queries = values.map((value) => ({ kind: "ip" as const, value }))
      const outcome = async (twin: typeof effectTwin | typeof callbackTwin) => {
        const log = newLog()
        const providers = timeouts.map((t, p) => twin(`p${p}`, t, plan, log))
        const runner = BlocklistRunner.make({ concurrency })
        const first = await drive(runner.run(providers, queries), log, 45)
        const second = await drive(runner.run(providers, queries), log, 45)
        return { first: withoutMillis(first), second: withoutMillis(second), log }
      }
      const byEffect = await outcome(effectTwin)
      const byCallback = await outcome(callbackTwin)
      expect(byCallback.first).toEqual(byEffect.first)
      expect(byCallback.second).toEqual(byEffect.second)
      expect(byCallback.log.asked).toBe(byEffect.log.asked)
      expect(byCallback.log.cancelled).toBe(byEffect.log.cancelled)
      expect(byCallback.log.mostInFlight).toBeLessThanOrEqual(concurrency)
      // Every lookup ends: answered, timed out or (no deadline) cancelled when the run is interrupted.
      expect(byCallback.log.inFlight).toBe(0)
      expect(timers.size).toBe(0)
    }
  )

  it("asks the batch's lookups under one timer, and clears it when the last is answered", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] })
    const timers = ownTimers()
    const log = newLog()
    const plan = new Map<string, Script>([
      ["p0 192.0.2.1", { _tag: "later", at: 3, answer: { _tag: "NotListed" } }],
      ["p0 192.0.2.2", { _tag: "later", at: 5, answer: { _tag: "Listed", codes: ["127.0.0.2"] } }],
      ["p0 192.0.2.3", { _tag: "later", at: 7, answer: { _tag: "NotListed" } }]
    ])
    const provider = callbackTwin("p0", 50, plan, log)
    const fiber = Effect.runFork(
      BlocklistRunner.make().run(
        [provider],
        ["192.0.2.1", "192.0.2.2", "192.0.2.3"].map((value) => ({ kind: "ip" as const, value }))
      )
    )
    await flush()
    expect(log.asked).toBe(3)
    expect(timers.size).toBe(1)
    for (const p of log.pending) p.tell?.(p.answer)
    const records = await Effect.runPromise(Fiber.join(fiber))
    expect(records.map((r) => r.answer._tag)).toEqual(["NotListed", "Listed", "NotListed"])
    expect(timers.size).toBe(0)
  })

  it("cancels every pending lookup when the caller is interrupted (the message's deadline)", async () => {
    const log = newLog()
    const plan = new Map<string, Script>([
      ["p0 192.0.2.1", { _tag: "never" }],
      ["p0 192.0.2.2", { _tag: "never" }]
    ])
    const fiber = Effect.runFork(
      BlocklistRunner.make().run(
        [callbackTwin("p0", 0, plan, log)],
        ["192.0.2.1", "192.0.2.2"].map((value) => ({ kind: "ip" as const, value }))
      )
    )
    await flush()
    expect(log.inFlight).toBe(2)
    await Effect.runPromise(Fiber.interrupt(fiber))
    expect(log.cancelled).toBe(2)
  })

  it("ignores an answer told twice or after the deadline", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] })
    let tell: ((a: BlocklistAnswer) => void) | undefined
    const provider: BlocklistProvider = {
      name: "twice",
      kinds: ["ip"],
      timeoutMillis: 10,
      lookup: () => Effect.die("unused"),
      ask: (_q, _now, answered) => {
        tell = answered
        return () => {}
      }
    }
    const runner = BlocklistRunner.make({ cache: false })
    const late = Effect.runFork(runner.lookup(provider, { kind: "ip", value: "192.0.2.1" }))
    await flush()
    vi.advanceTimersByTime(10)
    await flush()
    tell?.({ _tag: "Listed", codes: ["127.0.0.2"] })
    const timedOut = await Effect.runPromise(Fiber.join(late))
    expect(timedOut).toMatchObject({ answer: { reason: "Timeout", detail: "no answer within 10 ms" }, inTime: false })
    const twice = Effect.runFork(runner.lookup(provider, { kind: "ip", value: "192.0.2.1" }))
    await flush()
    tell?.({ _tag: "NotListed" })
    tell?.({ _tag: "Listed", codes: ["127.0.0.2"] })
    expect((await Effect.runPromise(Fiber.join(twice))).answer).toEqual({ _tag: "NotListed", ttlSeconds: undefined })
  })

  it("in a batch with a provider that has no `ask`, each lookup runs in its own fiber, by callback where it can", async () => {
    const log = newLog()
    const plan = new Map<string, Script>([["p0 192.0.2.1", { _tag: "now", answer: { _tag: "NotListed" } }]])
    const withAsk = callbackTwin("p0", 50, plan, log)
    const effectOnly = effectTwin("p1", 50, plan, log)
    const records = await Effect.runPromise(
      BlocklistRunner.make().run([withAsk, effectOnly], [{ kind: "ip", value: "192.0.2.1" }])
    )
    // The callback twin's `lookup` would die (a ProviderError): it was asked by callback.
    expect(records.map((r) => r.answer._tag)).toEqual(["NotListed", "NotListed"])
    expect(log.asked).toBe(2)
  })
})
