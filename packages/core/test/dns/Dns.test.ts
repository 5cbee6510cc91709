import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { Dns } from "../../src/index.ts"

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(Effect.result(e))

describe("static Dns", () => {
  const zone: Dns.StaticZone = {
    "a.test": { A: ["192.0.2.1"], TXT: ["hello"], MX: ["10 mx.a.test"], ttl: 30 },
    "fail.test": { fail: "ServerFailure" },
    "hang.test": "hang",
    "1.2.0.192.in-addr.arpa": { PTR: ["a.test"] }
  }

  it("answers records, NXDOMAIN, NODATA, failures and honours the per-call timeout", async () => {
    const dns = Dns.makeStatic(zone)
    expect(await Effect.runPromise(dns.resolve("A", "A.test."))).toEqual({ records: ["192.0.2.1"], ttlSeconds: 30 })
    const nx = await run(dns.resolve("A", "nope.test"))
    expect(nx._tag === "Failure" && nx.failure.reason).toBe("NotFound")
    const nodata = await run(dns.resolve("AAAA", "a.test"))
    expect(nodata._tag === "Failure" && nodata.failure.detail).toBe("NODATA")
    const sf = await run(dns.resolve("A", "fail.test"))
    expect(sf._tag === "Failure" && sf.failure.reason).toBe("ServerFailure")
    expect(sf._tag === "Failure" && sf.failure.isTemporary).toBe(true)
    const to = await run(dns.resolve("A", "hang.test", { timeoutMillis: 20 }))
    expect(to._tag === "Failure" && to.failure.reason).toBe("Timeout")
    expect(await Effect.runPromise(dns.resolve("PTR", "192.0.2.1"))).toEqual({ records: ["a.test"], ttlSeconds: 300 })
    expect(await Effect.runPromise(dns.resolve("MX", "a.test"))).toEqual({ records: ["10 mx.a.test"], ttlSeconds: 30 })
  })

  it("cache serves positive answers for their TTL, NotFound for the negative TTL, a server failure for 5 s", async () => {
    const inner = Dns.makeStatic(zone)
    const dns = Dns.withCache(inner, { negativeTtlSeconds: 10 })
    const program = Effect.gen(function* () {
      yield* dns.resolve("A", "a.test")
      yield* dns.resolve("A", "a.test")
      yield* Effect.result(dns.resolve("A", "nope.test"))
      yield* Effect.result(dns.resolve("A", "nope.test"))
      yield* Effect.result(dns.resolve("A", "fail.test"))
      yield* Effect.result(dns.resolve("A", "fail.test"))
      const before = inner.queries.length
      yield* TestClock.adjust("11 seconds")
      yield* Effect.result(dns.resolve("A", "nope.test")) // negative entry expired
      yield* dns.resolve("A", "a.test") // still within 30 s
      const mid = inner.queries.length
      yield* TestClock.adjust("20 seconds")
      const again = yield* dns.resolve("A", "a.test") // expired after 31 s
      return { before, mid, after: inner.queries.length, again }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.before).toBe(3) // a, nope, fail (the second fail comes from the cache)
    expect(r.mid).toBe(4)
    expect(r.after).toBe(5)
    expect(r.again.records).toEqual(["192.0.2.1"])
  })

  it("cache: a cached server failure fails the same way; timeouts are never cached; failureTtlSeconds 0 asks every time", async () => {
    const inner = Dns.makeStatic(zone)
    const dns = Dns.withCache(inner)
    const program = Effect.gen(function* () {
      const first = yield* Effect.result(dns.resolve("A", "fail.test"))
      const second = yield* Effect.result(dns.resolve("A", "fail.test"))
      const third = yield* Effect.result(dns.lookup!("A", "fail.test"))
      const counted = inner.queries.length
      yield* TestClock.adjust("6 seconds")
      yield* Effect.result(dns.resolve("A", "fail.test"))
      return { first, second, third, counted, after: inner.queries.length }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.first._tag === "Failure" && r.first.failure.reason).toBe("ServerFailure")
    expect(r.second._tag === "Failure" && r.second.failure.reason).toBe("ServerFailure")
    expect(r.second._tag === "Failure" && r.second.failure.isTemporary).toBe(true)
    // The cached failure's error is built once and handed out again.
    expect(r.second._tag === "Failure" && r.third._tag === "Failure" && r.second.failure === r.third.failure).toBe(true)
    expect(r.second._tag === "Failure" && r.second.failure.detail).toMatch(/\(cached\)$/)
    expect(r.counted).toBe(1)
    expect(r.after).toBe(2)

    const hang = Dns.makeStatic(zone)
    const timing = Dns.withCache(hang)
    await run(timing.resolve("A", "hang.test", { timeoutMillis: 10 }))
    await run(timing.resolve("A", "hang.test", { timeoutMillis: 10 }))
    expect(hang.queries).toHaveLength(2)

    const plain = Dns.makeStatic(zone)
    const uncachedFailures = Dns.withCache(plain, { failureTtlSeconds: 0 })
    await run(uncachedFailures.resolve("A", "fail.test"))
    await run(uncachedFailures.resolve("A", "fail.test"))
    expect(plain.queries).toHaveLength(2)
  })

  it("cache: REFUSED is kept for refusedTtlSeconds (default 60), SERVFAIL for failureTtlSeconds (default 5), both at most 300", async () => {
    const failing: Dns.StaticZone = { "refused.test": { fail: "Refused" }, "servfail.test": { fail: "ServerFailure" } }
    const asks = (inner: Dns.StaticDns, name: string) => inner.queries.filter((q) => q.includes(name)).length
    const inner = Dns.makeStatic(failing)
    const dns = Dns.withCache(inner)
    const program = Effect.gen(function* () {
      const seen: Array<[number, number, string | false]> = []
      for (const seconds of [0, 4, 2, 53]) {
        yield* TestClock.adjust(`${seconds} seconds`)
        const refused = yield* Effect.result(dns.lookup!("TXT", "refused.test"))
        yield* Effect.result(dns.lookup!("TXT", "servfail.test"))
        seen.push([
          asks(inner, "refused.test"),
          asks(inner, "servfail.test"),
          refused._tag === "Failure" && refused.failure.reason
        ])
      }
      yield* TestClock.adjust("2 seconds") // 61 s after the first question
      yield* Effect.result(dns.lookup!("TXT", "refused.test"))
      return { seen, refusedAfter: asks(inner, "refused.test") }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    // A cached REFUSED is still the failure, never NotFound.
    expect(r.seen).toEqual([
      [1, 1, "Refused"],
      [1, 1, "Refused"],
      [1, 2, "Refused"],
      [1, 3, "Refused"]
    ])
    expect(r.refusedAfter).toBe(2)

    // RFC 2308 §7.1: never longer than five minutes, whatever is asked for.
    const capped = Dns.makeStatic(failing)
    const long = Dns.withCache(capped, { refusedTtlSeconds: 3600, failureTtlSeconds: 3600 })
    const after = await Effect.runPromise(
      Effect.gen(function* () {
        yield* Effect.result(long.lookup!("TXT", "refused.test"))
        yield* Effect.result(long.lookup!("TXT", "servfail.test"))
        yield* TestClock.adjust("299 seconds")
        yield* Effect.result(long.lookup!("TXT", "refused.test"))
        yield* Effect.result(long.lookup!("TXT", "servfail.test"))
        const within = capped.queries.length
        yield* TestClock.adjust("2 seconds")
        yield* Effect.result(long.lookup!("TXT", "refused.test"))
        yield* Effect.result(long.lookup!("TXT", "servfail.test"))
        return [within, capped.queries.length]
      }).pipe(Effect.provide(TestClock.layer()))
    )
    expect(after).toEqual([2, 4])

    const never = Dns.makeStatic(failing)
    const uncached = Dns.withCache(never, { refusedTtlSeconds: 0 })
    await run(uncached.resolve("TXT", "refused.test"))
    await run(uncached.resolve("TXT", "refused.test"))
    expect(asks(never, "refused.test")).toBe(2)
  })

  it("lookup gives NotFound as a value, through the cache and from a resolve-only implementation", async () => {
    const inner = Dns.makeStatic(zone)
    for (const dns of [inner, Dns.withCache(inner)]) {
      expect(await Effect.runPromise(Dns.lookup(dns, "A", "nope.test"))).toEqual({
        _tag: "NotFound",
        detail: "NXDOMAIN"
      })
      expect(await Effect.runPromise(Dns.lookup(dns, "A", "a.test"))).toEqual({
        _tag: "Answer",
        records: ["192.0.2.1"],
        ttlSeconds: 30
      })
      const sf = await run(Dns.lookup(dns, "A", "fail.test"))
      expect(sf._tag === "Failure" && sf.failure.reason).toBe("ServerFailure")
    }
    // resolve keeps its contract: NotFound is the DnsError.
    const nx = await run(Dns.withCache(inner).resolve("A", "nope.test"))
    expect(nx._tag === "Failure" && nx.failure.reason).toBe("NotFound")
  })

  it("peek gives what lookup would answer from memory, nothing for what is not kept, expired or timed out", async () => {
    const inner = Dns.makeStatic(zone)
    const dns = Dns.withCache(inner, { negativeTtlSeconds: 10 })
    const program = Effect.gen(function* () {
      const before = Dns.peek(dns, "A", "a.test", 0)
      const viaLookup = yield* Dns.lookup(dns, "A", "a.test")
      yield* Dns.lookup(dns, "A", "nope.test")
      const failed = yield* Effect.result(Dns.lookup(dns, "A", "fail.test"))
      const t = yield* Effect.clockWith((c) => Effect.succeed(c.currentTimeMillisUnsafe()))
      const asked = inner.queries.length
      const peeked = {
        answer: Dns.peek(dns, "A", "A.test.", t),
        notFound: Dns.peek(dns, "A", "nope.test", t),
        failure: Dns.peek(dns, "A", "fail.test", t),
        // A cached answer expires at its TTL (30 s), NotFound at the negative TTL (10 s).
        answerLater: Dns.peek(dns, "A", "a.test", t + 31_000),
        notFoundLater: Dns.peek(dns, "A", "nope.test", t + 11_000)
      }
      // Looked up again: from the cache, the same answer peek gave, no new question.
      const again = yield* Dns.lookup(dns, "A", "a.test")
      return { before, viaLookup, failed, asked, peeked, again, after: inner.queries.length }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.before).toBeUndefined()
    expect(r.peeked.answer).toEqual({ _tag: "Outcome", outcome: r.viaLookup })
    expect(r.peeked.answer).toEqual({ _tag: "Outcome", outcome: r.again })
    expect(r.peeked.notFound).toEqual({ _tag: "Outcome", outcome: { _tag: "NotFound", detail: "NXDOMAIN" } })
    expect(r.peeked.failure?._tag === "Error" && r.peeked.failure.error.reason).toBe("ServerFailure")
    // The same error object lookup gives for the cached failure.
    expect(r.failed._tag === "Failure" && r.peeked.failure?._tag === "Error").toBe(true)
    // A timeout is never kept (real clock: the static resolver's hang needs real time to run out).
    await run(Dns.lookup(dns, "A", "hang.test", { timeoutMillis: 5 }))
    expect(Dns.peek(dns, "A", "hang.test", Date.now())).toBeUndefined()
    expect(r.peeked.answerLater).toBeUndefined()
    expect(r.peeked.notFoundLater).toBeUndefined()
    expect(r.after).toBe(r.asked)
    // An implementation without a cache has nothing to peek.
    expect(Dns.peek(inner, "A", "a.test", 0)).toBeUndefined()
  })

  it("a layered store peeks its local memory only; a local miss still finds the shared entry", async () => {
    const shared = Dns.makeMemoryStore()
    const local = Dns.makeMemoryStore()
    const inner = Dns.makeStatic(zone)
    const first = Dns.withCache(inner, { store: Dns.makeLayeredStore(Dns.makeMemoryStore(), shared) })
    const second = Dns.withCache(inner, { store: Dns.makeLayeredStore(local, shared) })
    const program = Effect.gen(function* () {
      yield* Dns.lookup(first, "A", "a.test")
      const t = yield* Effect.clockWith((c) => Effect.succeed(c.currentTimeMillisUnsafe()))
      const peekedBefore = Dns.peek(second, "A", "a.test", t)
      const found = yield* Dns.lookup(second, "A", "a.test")
      const peekedAfter = Dns.peek(second, "A", "a.test", t)
      return { peekedBefore, found, peekedAfter }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.peekedBefore).toBeUndefined()
    expect(r.found).toEqual({ _tag: "Answer", records: ["192.0.2.1"], ttlSeconds: 30 })
    expect(r.peekedAfter).toEqual({ _tag: "Outcome", outcome: r.found })
    expect(inner.queries).toHaveLength(1)
  })

  it("errors for expected DNS outcomes carry no stack trace, and the limit is restored", async () => {
    const limit = Error.stackTraceLimit
    const made = Dns.dnsError({ reason: "Refused", name: "x.test", type: "TXT" })
    expect(made.reason).toBe("Refused")
    expect(made.message).toBe("DNS TXT x.test: Refused")
    expect(made.stack ?? "").not.toMatch(/\n\s+at /)
    expect(Error.stackTraceLimit).toBe(limit)
    const cached = Dns.withCache(Dns.makeStatic({ "fail.test": { fail: "Refused" } }))
    await run(cached.resolve("A", "fail.test"))
    const again = await run(cached.resolve("A", "fail.test"))
    expect(again._tag === "Failure" && again.failure.stack).not.toMatch(/\n\s+at /)
  })
})
