// A question in flight is shared: concurrent lookups of one name and type ask the inner resolver
// once and all get the same answer or the same error; each waiter keeps its own deadline; the
// question is interrupted (and its late answer never cached) when its last waiter has left; the
// map of pending questions is emptied as they finish. Deadlines are driven by TestClock, except
// one test of the timer path, which waits for outcomes, not for times.
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import * as Dns from "../../src/dns/index.ts"
import type { DnsError, DnsOutcome, DnsShape, LookupOptions, RecordType } from "../../src/dns/index.ts"

interface Call {
  readonly type: RecordType
  readonly name: string
  readonly options: LookupOptions | undefined
  readonly answer: (result: Effect.Effect<DnsOutcome, DnsError>) => void
  interrupted: boolean
}

/** An inner resolver whose every question waits until the test answers it. */
const controlled = () => {
  const calls: Array<Call> = []
  const lookup = (type: RecordType, name: string, options?: LookupOptions) =>
    Effect.callback<DnsOutcome, DnsError>((resume) => {
      const call: Call = { type, name, options, answer: resume, interrupted: false }
      calls.push(call)
      return Effect.sync(() => {
        call.interrupted = true
      })
    })
  const inner: DnsShape = { lookup, resolve: Dns.resolveFromLookup(lookup) }
  return { inner, calls }
}

const ANSWER: DnsOutcome = { _tag: "Answer", records: ["127.0.0.2"], ttlSeconds: 300 }
const bounded = (timeoutMillis: number): LookupOptions => ({ timeoutMillis })
const testClock = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
const fork = <A, E>(effect: Effect.Effect<A, E>) => Effect.forkChild(effect, { startImmediately: true })

describe("DNS questions in flight are shared", () => {
  it("concurrent waiters: one question, the same answer for all, the map emptied, the answer cached", async () => {
    const { inner, calls } = controlled()
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
        calls[0]!.answer(Effect.succeed(ANSWER))
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
    const { inner, calls } = controlled()
    const dns = Dns.withCache(inner)
    const exits = await testClock(
      Effect.gen(function* () {
        const waiters = yield* Effect.forEach([1, 2, 3], () => fork(dns.lookup!("TXT", "example.org", bounded(2000))))
        calls[0]!.answer(Effect.fail(Dns.dnsError({ reason: "Timeout", name: "example.org", type: "TXT" })))
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
    const { inner, calls } = controlled()
    const dns = Dns.withCache(inner)
    const result = await testClock(
      Effect.gen(function* () {
        const short = yield* fork(dns.lookup!("A", "x.bl.test", bounded(100)))
        const long = yield* fork(dns.lookup!("A", "x.bl.test", bounded(1000)))
        yield* TestClock.adjust(150)
        const shortExit = yield* Fiber.await(short)
        expect(calls[0]!.interrupted).toBe(false)
        expect(dns.pending()).toBe(1)
        calls[0]!.answer(Effect.succeed(ANSWER))
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
    const { inner, calls } = controlled()
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
        calls[0]!.answer(Effect.succeed(ANSWER))
        yield* fork(dns.lookup!("A", "y.bl.test", bounded(100)))
      })
    )
    expect(calls).toHaveLength(2)
  })

  it("a newcomer does not join a question older than its own deadline", async () => {
    const { inner, calls } = controlled()
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
    const { inner, calls } = controlled()
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
    const { inner, calls } = controlled()
    const dns = Dns.withCache(inner, { maxPending: 1 })
    const got = await testClock(
      Effect.gen(function* () {
        const a = yield* fork(dns.lookup!("A", "a.bl.test", bounded(1000)))
        const b = yield* fork(dns.lookup!("A", "b.bl.test", bounded(1000)))
        const b2 = yield* fork(dns.lookup!("A", "b.bl.test", bounded(1000)))
        expect(dns.pending()).toBe(1)
        for (const c of calls) c.answer(Effect.succeed(ANSWER))
        const got = yield* Effect.forEach([a, b, b2], Fiber.join)
        expect(dns.pending()).toBe(0)
        return got
      })
    )
    expect(calls.map((c) => c.name)).toEqual(["a.bl.test", "b.bl.test", "b.bl.test"])
    expect(got).toEqual([ANSWER, ANSWER, ANSWER])
  })

  it("under the runtime's clock: the deadline's timer fails one waiter, the other gets the answer", async () => {
    const { inner, calls } = controlled()
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
    calls[0]!.answer(Effect.succeed({ _tag: "Answer", records: ["host.example"], ttlSeconds: 60 }))
    expect(await long).toMatchObject({ _tag: "Answer", records: ["host.example"] })
    expect(dns.pending()).toBe(0)
  })
})
