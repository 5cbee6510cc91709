// A question in flight is shared: concurrent lookups of one name and type ask the inner resolver
// once and all get the same answer or the same error; each waiter keeps its own deadline; the
// question is interrupted (and its late answer never cached) when its last waiter has left; the
// map of pending questions is emptied as they finish. Deadlines are driven by TestClock, except
// one test of the timer path, which waits for outcomes, not for times. Every test runs twice: over
// an inner resolver with only the Effect form (each question in a fiber of its own) and over one
// answered by callback (`DnsShape.query`: the questions and their waiters without fibers).
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as Dns from "../../src/dns/index.ts"
import type { DnsError, DnsOutcome, DnsShape, LookupOptions, RecordType } from "../../src/dns/index.ts"

interface Call {
  readonly type: RecordType
  readonly name: string
  readonly options: LookupOptions | undefined
  readonly via: "lookup" | "query"
  readonly answer: (result: Exit.Exit<DnsOutcome, DnsError>) => void
  /** Cancelled (the callback form) or interrupted (the Effect form). */
  interrupted: boolean
}

type Kind = "effect" | "callback"

/**
 * An inner resolver whose every question waits until the test answers it: the Effect form only,
 * or with `query` too (an answer after the cancel is dropped, as `NodeDns` drops it).
 */
const controlled = (kind: Kind = "effect") => {
  const calls: Array<Call> = []
  const lookup = (type: RecordType, name: string, options?: LookupOptions) =>
    Effect.callback<DnsOutcome, DnsError>((resume) => {
      const call: Call = { type, name, options, via: "lookup", answer: resume, interrupted: false }
      calls.push(call)
      return Effect.sync(() => {
        call.interrupted = true
      })
    })
  const query: NonNullable<DnsShape["query"]> = (type, name, timeoutMillis, _now, answered) => {
    const call: Call = {
      type,
      name,
      options: { timeoutMillis },
      via: "query",
      answer: (exit) => {
        if (!call.interrupted) answered(exit)
      },
      interrupted: false
    }
    calls.push(call)
    return () => {
      call.interrupted = true
    }
  }
  const inner: DnsShape =
    kind === "effect"
      ? { lookup, resolve: Dns.resolveFromLookup(lookup) }
      : { lookup, resolve: Dns.resolveFromLookup(lookup), query }
  return { inner, calls }
}

const ANSWER: DnsOutcome = { _tag: "Answer", records: ["127.0.0.2"], ttlSeconds: 300 }
const bounded = (timeoutMillis: number): LookupOptions => ({ timeoutMillis })
const testClock = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
const fork = <A, E>(effect: Effect.Effect<A, E>) => Effect.forkChild(effect, { startImmediately: true })

describe.each<Kind>(["effect", "callback"])("DNS questions in flight are shared (%s)", (kind) => {
  it("concurrent waiters: one question, the same answer for all, the map emptied, the answer cached", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    const outcomes = await testClock(
      Effect.gen(function* () {
        const waiters = yield* Effect.forEach([1, 2, 3, 4, 5], () =>
          fork(dns.lookup!("A", "2.0.0.127.bl.test", bounded(2000)))
        )
        expect(calls).toHaveLength(1)
        expect(dns.pending()).toBe(1)
        // The question itself asks without a deadline: each waiter keeps its own.
        expect(calls[0]!.options).toEqual({ timeoutMillis: 0 })
        calls[0]!.answer(Exit.succeed(ANSWER))
        const got = yield* Effect.forEach(waiters, Fiber.join)
        expect(dns.pending()).toBe(0)
        const again = yield* dns.lookup!("A", "2.0.0.127.BL.test.", bounded(2000))
        return { got, again }
      })
    )
    expect(calls).toHaveLength(1)
    for (const o of outcomes.got) expect(o).toBe(outcomes.got[0])
    expect(outcomes.got[0]).toEqual(ANSWER)
    expect(outcomes.again).toMatchObject({ _tag: "Answer", records: ["127.0.0.2"] })
  })

  it("an error is shared: every waiter gets the same error; a timeout is not cached", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    const exits = await testClock(
      Effect.gen(function* () {
        const waiters = yield* Effect.forEach([1, 2, 3], () => fork(dns.lookup!("TXT", "example.org", bounded(2000))))
        calls[0]!.answer(Exit.fail(Dns.dnsError({ reason: "Timeout", name: "example.org", type: "TXT" })))
        const exits = yield* Effect.forEach(waiters, Fiber.await)
        expect(dns.pending()).toBe(0)
        // Not cached: the next lookup asks again.
        yield* fork(dns.lookup!("TXT", "example.org", bounded(2000)))
        return exits
      })
    )
    expect(calls).toHaveLength(2)
    const errors = exits.map((e) => (Exit.isFailure(e) ? Exit.findErrorOption(e) : undefined))
    for (const e of errors) expect(e).toEqual(errors[0])
    expect(errors[0]).toMatchObject({ _tag: "Some", value: { reason: "Timeout", name: "example.org" } })
  })

  it("each waiter keeps its own deadline; the question goes on for the others", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    const result = await testClock(
      Effect.gen(function* () {
        const short = yield* fork(dns.lookup!("A", "x.bl.test", bounded(100)))
        const long = yield* fork(dns.lookup!("A", "x.bl.test", bounded(1000)))
        yield* TestClock.adjust(150)
        const shortExit = yield* Fiber.await(short)
        expect(calls[0]!.interrupted).toBe(false)
        expect(dns.pending()).toBe(1)
        calls[0]!.answer(Exit.succeed(ANSWER))
        const longValue = yield* Fiber.join(long)
        return { shortExit, longValue }
      })
    )
    expect(calls).toHaveLength(1)
    expect(Exit.isFailure(result.shortExit) && Exit.findErrorOption(result.shortExit)).toMatchObject({
      _tag: "Some",
      value: { reason: "Timeout", name: "x.bl.test", type: "A", detail: "no answer within 100 ms" }
    })
    expect(result.longValue).toEqual(ANSWER)
    expect(dns.pending()).toBe(0)
  })

  it("when every waiter has left, the question is interrupted and its late answer never cached", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    await testClock(
      Effect.gen(function* () {
        const timed = yield* fork(dns.lookup!("A", "y.bl.test", bounded(100)))
        const interrupted = yield* fork(dns.lookup!("A", "y.bl.test", bounded(5000)))
        yield* Fiber.interrupt(interrupted)
        expect(calls[0]!.interrupted).toBe(false)
        yield* TestClock.adjust(150)
        yield* Fiber.await(timed)
        expect(calls[0]!.interrupted).toBe(true)
        expect(dns.pending()).toBe(0)
        // The late answer goes nowhere; the next lookup asks again.
        calls[0]!.answer(Exit.succeed(ANSWER))
        yield* fork(dns.lookup!("A", "y.bl.test", bounded(100)))
      })
    )
    expect(calls).toHaveLength(2)
  })

  it("an interrupted waiter leaves; the question goes on and answers the other", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    const got = await testClock(
      Effect.gen(function* () {
        const first = yield* fork(dns.lookup!("TXT", "i.example", bounded(1000)))
        const second = yield* fork(dns.lookup!("TXT", "i.example", bounded(1000)))
        yield* Fiber.interrupt(first)
        expect(calls[0]!.interrupted).toBe(false)
        expect(dns.pending()).toBe(1)
        calls[0]!.answer(Exit.succeed(ANSWER))
        return yield* Fiber.join(second)
      })
    )
    expect(calls).toHaveLength(1)
    expect(calls[0]!.via).toBe(kind === "effect" ? "lookup" : "query")
    expect(got).toEqual(ANSWER)
    expect(dns.pending()).toBe(0)
  })

  it("a newcomer does not join a question older than its own deadline", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    await testClock(
      Effect.gen(function* () {
        yield* fork(dns.lookup!("A", "z.bl.test", bounded(1000)))
        yield* TestClock.adjust(600)
        yield* fork(dns.lookup!("A", "z.bl.test", bounded(1000)))
        expect(calls).toHaveLength(1)
        yield* fork(dns.lookup!("A", "z.bl.test", bounded(500)))
        expect(calls).toHaveLength(2)
        expect(dns.pending()).toBe(1)
      })
    )
  })

  it("fresh lookups and lookups without a deadline ask for themselves, with their own options", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    await testClock(
      Effect.gen(function* () {
        yield* fork(dns.lookup!("A", "f.bl.test", { timeoutMillis: 1000, fresh: true }))
        yield* fork(dns.lookup!("A", "f.bl.test", { timeoutMillis: 1000, fresh: true }))
        yield* fork(dns.lookup!("A", "f.bl.test"))
        yield* fork(dns.lookup!("A", "f.bl.test", { timeoutMillis: 0 }))
      })
    )
    expect(calls.map((c) => c.options)).toEqual([
      { timeoutMillis: 1000, fresh: true },
      { timeoutMillis: 1000, fresh: true },
      undefined,
      { timeoutMillis: 0 }
    ])
    expect(dns.pending()).toBe(0)
  })

  it("at most maxPending questions are kept; the others are still answered", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner, { maxPending: 1 })
    const got = await testClock(
      Effect.gen(function* () {
        const a = yield* fork(dns.lookup!("A", "a.bl.test", bounded(1000)))
        const b = yield* fork(dns.lookup!("A", "b.bl.test", bounded(1000)))
        const b2 = yield* fork(dns.lookup!("A", "b.bl.test", bounded(1000)))
        expect(dns.pending()).toBe(1)
        for (const c of calls) c.answer(Exit.succeed(ANSWER))
        const got = yield* Effect.forEach([a, b, b2], Fiber.join)
        expect(dns.pending()).toBe(0)
        return got
      })
    )
    expect(calls.map((c) => c.name)).toEqual(["a.bl.test", "b.bl.test", "b.bl.test"])
    expect(got).toEqual([ANSWER, ANSWER, ANSWER])
  })

  it("under the runtime's clock: the deadline's timer fails one waiter, the other gets the answer", async () => {
    const { inner, calls } = controlled(kind)
    const dns = Dns.withCache(inner)
    const short = Effect.runPromiseExit(dns.lookup!("PTR", "192.0.2.1", bounded(20)))
    const long = Effect.runPromise(dns.lookup!("PTR", "192.0.2.1", bounded(600_000)))
    const shortExit = await short
    expect(Exit.isFailure(shortExit) && Exit.findErrorOption(shortExit)).toMatchObject({
      _tag: "Some",
      value: { reason: "Timeout", name: "1.2.0.192.in-addr.arpa", type: "PTR" }
    })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.interrupted).toBe(false)
    calls[0]!.answer(Exit.succeed({ _tag: "Answer", records: ["host.example"], ttlSeconds: 60 }))
    expect(await long).toMatchObject({ _tag: "Answer", records: ["host.example"] })
    expect(dns.pending()).toBe(0)
  })
})

const NOW = 1_800_000_000_000
type Told = Array<readonly [string, Exit.Exit<DnsOutcome, DnsError>]>
const errorOf = (exit: Exit.Exit<DnsOutcome, DnsError> | undefined) =>
  exit !== undefined && Exit.isFailure(exit) ? Exit.findErrorOption(exit) : undefined

// The cache's callback form (`query`), for callers outside the runtime: the waiters' deadlines are
// real-time timers, faked here (only `setTimeout`: no Effect runs in these tests but the last).
describe("the cache's callback form (query)", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("exists over a resolver answered by callback and a store in memory only; otherwise questions run in fibers", async () => {
    expect(Dns.withCache(controlled("effect").inner).query).toBeUndefined()
    expect(Dns.withCache(controlled("callback").inner).query).toBeTypeOf("function")
    const { inner, calls } = controlled("callback")
    const layered = Dns.withCache(inner, {
      store: Dns.makeLayeredStore(Dns.makeMemoryStore(), Dns.makeMemoryStore())
    })
    expect(layered.query).toBeUndefined()
    const waiting = Effect.runPromise(layered.lookup!("A", "l.bl.test", bounded(60_000)))
    await new Promise((r) => setImmediate(r))
    expect(calls.map((c) => [c.via, c.options])).toEqual([["lookup", { timeoutMillis: 0 }]])
    calls[0]!.answer(Exit.succeed(ANSWER))
    expect(await waiting).toEqual(ANSWER)
  })

  it("one question for every waiter, each within its own deadline; the answer is kept before anyone is told", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"] })
    const { inner, calls } = controlled("callback")
    const dns = Dns.withCache(inner)
    const told: Told = []
    dns.query!("A", "Q.bl.test.", 100, NOW, (exit) => told.push(["short", exit]))
    dns.query!("A", "q.bl.test", 1000, NOW + 10, (exit) => {
      // Written by the question before its waiters are told.
      expect(dns.peek!("A", "q.bl.test", NOW + 10)).toMatchObject({ _tag: "Outcome", outcome: { _tag: "Answer" } })
      told.push(["long", exit])
    })
    expect(calls.map((c) => c.options)).toEqual([{ timeoutMillis: 0 }])
    expect(dns.pending()).toBe(1)
    vi.advanceTimersByTime(99)
    expect(told).toEqual([])
    vi.advanceTimersByTime(1)
    // The deadline's timer has fired; the wait ends one turn later (`Deadline.timer`).
    expect(told).toEqual([])
    vi.advanceTimersToNextTimer()
    expect(told.map(([who]) => who)).toEqual(["short"])
    expect(errorOf(told[0]![1])).toMatchObject({
      _tag: "Some",
      value: { reason: "Timeout", name: "q.bl.test", type: "A", detail: "no answer within 100 ms" }
    })
    expect(calls[0]!.interrupted).toBe(false)
    calls[0]!.answer(Exit.succeed(ANSWER))
    expect(told.map(([who]) => who)).toEqual(["short", "long"])
    expect(told[1]![1]).toEqual(Exit.succeed(ANSWER))
    expect(dns.pending()).toBe(0)
    // Later waiters are answered from the cache at once, nothing asked.
    const again: Told = []
    dns.query!("A", "q.bl.test", 1000, NOW + 20, (exit) => again.push(["again", exit]))
    expect(again).toHaveLength(1)
    expect(calls).toHaveLength(1)
    vi.advanceTimersByTime(10_000)
    expect(told).toHaveLength(2)
  })

  it("timer: false arms no timer for the waiter; its deadline still decides whether a question in flight is joined", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"] })
    const { inner, calls } = controlled("callback")
    const dns = Dns.withCache(inner)
    const told: Told = []
    const cancelFirst = dns.query!("A", "u.bl.test", 100, NOW, (exit) => told.push(["first", exit]), false)
    expect(vi.getTimerCount()).toBe(0)
    // Joined: the question is younger than the newcomer's deadline.
    dns.query!("A", "u.bl.test", 100, NOW + 50, (exit) => told.push(["second", exit]), false)
    expect(calls).toHaveLength(1)
    // Not joined: older than the newcomer's deadline, so asked anew (as a timed waiter would).
    dns.query!("A", "u.bl.test", 100, NOW + 150, (exit) => told.push(["third", exit]), false)
    expect(calls).toHaveLength(2)
    vi.advanceTimersByTime(10_000)
    expect(told).toEqual([])
    // The caller keeps the deadline: its cancel leaves the question, which goes on for the other.
    cancelFirst()
    expect(calls[0]!.interrupted).toBe(false)
    calls[0]!.answer(Exit.succeed(ANSWER))
    calls[1]!.answer(Exit.succeed(ANSWER))
    expect(told.map(([who]) => who)).toEqual(["second", "third"])
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a cancelled waiter is never told; when every waiter has left the question is cancelled and its answer not kept", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"] })
    const { inner, calls } = controlled("callback")
    const dns = Dns.withCache(inner)
    const told: Told = []
    const cancelFirst = dns.query!("PTR", "192.0.2.7", 500, NOW, (exit) => told.push(["first", exit]))
    dns.query!("PTR", "192.0.2.7", 200, NOW, (exit) => told.push(["second", exit]))
    cancelFirst()
    expect(calls[0]!.interrupted).toBe(false)
    vi.advanceTimersByTime(200)
    vi.advanceTimersToNextTimer()
    expect(told.map(([who]) => who)).toEqual(["second"])
    expect(errorOf(told[0]![1])).toMatchObject({ _tag: "Some", value: { name: "7.2.0.192.in-addr.arpa" } })
    expect(calls[0]!.interrupted).toBe(true)
    expect(dns.pending()).toBe(0)
    calls[0]!.answer(Exit.succeed(ANSWER))
    vi.advanceTimersByTime(1000)
    expect(told).toHaveLength(1)
    expect(dns.peek!("PTR", "192.0.2.7", NOW)).toBeUndefined()
  })

  it("keeps what the Effect form keeps: answers for their TTL, NotFound, REFUSED 60 s, SERVFAIL 5 s, no timeout", () => {
    const { inner, calls } = controlled("callback")
    const dns = Dns.withCache(inner)
    const told: Told = []
    const ask = (name: string, timeoutMillis = 1000) =>
      dns.query!("TXT", name, timeoutMillis, NOW, (exit) => told.push([name, exit]))
    const fail = (reason: "Refused" | "ServerFailure" | "Timeout", name: string) =>
      Exit.fail(Dns.dnsError({ reason, name, type: "TXT", detail: reason }))
    for (const name of ["ok.test", "nx.test", "refused.test", "servfail.test", "timeout.test"]) ask(name)
    // No deadline: asked for itself, with its own options, and kept the same way.
    ask("unbounded.test", 0)
    expect(calls.map((c) => c.options)).toEqual([...Array(6).fill({ timeoutMillis: 0 })])
    calls[0]!.answer(Exit.succeed({ _tag: "Answer", records: ["v=spf1 -all"], ttlSeconds: 30 }))
    calls[1]!.answer(Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" }))
    calls[2]!.answer(fail("Refused", "refused.test"))
    calls[3]!.answer(fail("ServerFailure", "servfail.test"))
    calls[4]!.answer(fail("Timeout", "timeout.test"))
    calls[5]!.answer(Exit.succeed({ _tag: "NotFound", detail: "ENODATA" }))
    expect(told).toHaveLength(6)
    expect(dns.pending()).toBe(0)
    const at = (name: string, seconds: number) => dns.peek!("TXT", name, NOW + seconds * 1000 - 1)
    expect(at("ok.test", 30)).toEqual({
      _tag: "Outcome",
      outcome: { _tag: "Answer", records: ["v=spf1 -all"], ttlSeconds: 0 }
    })
    expect(at("ok.test", 30.001)).toBeUndefined()
    expect(at("nx.test", 60)).toEqual({ _tag: "Outcome", outcome: { _tag: "NotFound", detail: "ENOTFOUND" } })
    expect(at("nx.test", 60.001)).toBeUndefined()
    expect(at("unbounded.test", 60)).toMatchObject({ _tag: "Outcome", outcome: { _tag: "NotFound" } })
    expect(at("refused.test", 60)).toMatchObject({
      _tag: "Error",
      error: { reason: "Refused", name: "refused.test", detail: "Refused (cached)" }
    })
    expect(at("refused.test", 60.001)).toBeUndefined()
    expect(at("servfail.test", 5)).toMatchObject({ _tag: "Error", error: { reason: "ServerFailure" } })
    expect(at("servfail.test", 5.001)).toBeUndefined()
    expect(at("timeout.test", 0.001)).toBeUndefined()
  })

  it("keep: false stores nothing for the question it asks, shares it in flight, and still answers from the store", () => {
    const { inner, calls } = controlled("callback")
    const store = Dns.makeMemoryStore()
    const dns = Dns.withCache(inner, { store })
    const told: Told = []
    dns.query!("A", "k.bl.test", 1000, NOW, (exit) => told.push(["unkept", exit]), false, false)
    // A waiter that joins the question in flight gets its answer, unkept too.
    dns.query!("A", "k.bl.test", 1000, NOW + 1, (exit) => told.push(["joined", exit]))
    // A lookup without a deadline asks for itself, unkept as well.
    dns.query!("A", "u.bl.test", 0, NOW, (exit) => told.push(["unbounded", exit]), true, false)
    expect(calls).toHaveLength(2)
    calls[0]!.answer(Exit.succeed(ANSWER))
    calls[1]!.answer(Exit.succeed(ANSWER))
    expect(told).toEqual([
      ["unkept", Exit.succeed(ANSWER)],
      ["joined", Exit.succeed(ANSWER)],
      ["unbounded", Exit.succeed(ANSWER)]
    ])
    expect(store.size()).toBe(0)
    expect(dns.peek!("A", "k.bl.test", NOW + 2)).toBeUndefined()
    // What the store holds is still given at once to a caller that keeps its answers.
    dns.query!("A", "kept.bl.test", 1000, NOW, (exit) => told.push(["kept", exit]))
    calls[2]!.answer(Exit.succeed(ANSWER))
    dns.query!("A", "kept.bl.test", 1000, NOW + 3, (exit) => told.push(["recalled", exit]), false, false)
    expect(calls).toHaveLength(3)
    expect(told.map(([who]) => who).slice(3)).toEqual(["kept", "recalled"])
  })

  it("entries with the same not-found or failure detail share one stored outcome", () => {
    const { inner, calls } = controlled("callback")
    const store = Dns.makeMemoryStore()
    const dns = Dns.withCache(inner, { store })
    const names = ["a.test", "b.test", "c.test", "d.test", "e.test"]
    for (const name of names) dns.query!("TXT", name, 1000, NOW, () => {})
    const refused = (name: string) =>
      Exit.fail(Dns.dnsError({ reason: "Refused", name, type: "TXT", detail: "EREFUSED" }))
    calls[0]!.answer(Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" }))
    calls[1]!.answer(Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" }))
    calls[2]!.answer(Exit.succeed({ _tag: "NotFound", detail: "ENODATA" }))
    calls[3]!.answer(refused("d.test"))
    calls[4]!.answer(refused("e.test"))
    const outcome = (name: string) => store.peek!(`TXT ${name}`)!.outcome
    expect(outcome("a.test")).toBe(outcome("b.test"))
    expect(outcome("c.test")).toEqual({ _tag: "NotFound", detail: "ENODATA" })
    expect(outcome("c.test")).not.toBe(outcome("a.test"))
    expect(outcome("d.test")).toBe(outcome("e.test"))
    expect(outcome("d.test")).toEqual({ _tag: "Failure", reason: "Refused", detail: "EREFUSED" })
    // Each entry still gives its own name's error.
    expect(dns.peek!("TXT", "e.test", NOW)).toMatchObject({
      _tag: "Error",
      error: { name: "e.test", reason: "Refused" }
    })
  })

  it("a waiter from the callback form and one from the Effect form share one question", async () => {
    const { inner, calls } = controlled("callback")
    const dns = Dns.withCache(inner)
    const told: Told = []
    dns.query!("A", "s.bl.test", 60_000, Date.now(), (exit) => told.push(["callback", exit]))
    const viaEffect = Effect.runPromise(dns.lookup!("A", "s.bl.test", bounded(60_000)))
    await new Promise((r) => setImmediate(r))
    expect(calls).toHaveLength(1)
    calls[0]!.answer(Exit.succeed(ANSWER))
    expect(await viaEffect).toEqual(ANSWER)
    expect(told).toEqual([["callback", Exit.succeed(ANSWER)]])
  })
})
