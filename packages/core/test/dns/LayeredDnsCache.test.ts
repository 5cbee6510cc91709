// The two-level DNS cache: local memory in front of a shared store (here another memory store
// standing for Redis), with expiry driven by the TestClock.
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { Dns } from "../../src/index.ts"

const zone: Dns.StaticZone = { "a.test": { A: ["192.0.2.1"], ttl: 30 } }
const runTest = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e.pipe(Effect.provide(TestClock.layer())))

describe("layered DNS cache", () => {
  it("a second node reads the shared store, keeps it locally, and never past the entry's expiry", async () => {
    const shared = Dns.makeMemoryStore()
    const inner = Dns.makeStatic(zone)
    const nodeA = Dns.withCache(inner, { store: Dns.makeLayeredStore(Dns.makeMemoryStore(), shared) })
    const localB = Dns.makeMemoryStore()
    const nodeB = Dns.withCache(inner, { store: Dns.makeLayeredStore(localB, shared), negativeTtlSeconds: 5 })
    const out = await runTest(
      Effect.gen(function* () {
        yield* nodeA.resolve("A", "a.test")
        const fromShared = yield* nodeB.resolve("A", "a.test")
        const afterB = { queries: inner.queries.length, local: localB.size() }
        yield* TestClock.adjust("20 seconds")
        const stillCached = yield* nodeB.resolve("A", "a.test")
        yield* TestClock.adjust("11 seconds")
        yield* nodeB.resolve("A", "a.test")
        yield* Effect.result(nodeB.resolve("A", "nope.test"))
        yield* Effect.result(nodeA.resolve("A", "nope.test"))
        return { fromShared, afterB, stillCached, queries: inner.queries.length }
      })
    )
    expect(out.fromShared).toEqual({ records: ["192.0.2.1"], ttlSeconds: 30 })
    expect(out.afterB).toEqual({ queries: 1, local: 1 })
    expect(out.stillCached.ttlSeconds).toBe(10)
    // Expired after 31 s: asked again once; the NXDOMAIN node B got serves node A.
    expect(out.queries).toBe(3)
  })

  it("a shared store that has nothing (or is down and says so) means: ask DNS", async () => {
    const inner = Dns.makeStatic(zone)
    const down: Dns.DnsCacheStore = { get: () => Effect.succeed(undefined), set: () => Effect.void, size: () => 0 }
    const dns = Dns.withCache(inner, { store: Dns.makeLayeredStore(Dns.makeMemoryStore(), down) })
    const answer = await runTest(dns.resolve("A", "a.test"))
    expect(answer.records).toEqual(["192.0.2.1"])
    expect(inner.queries).toHaveLength(1)
  })
})
