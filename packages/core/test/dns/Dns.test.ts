import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Dns } from "../../src/index.ts"
import { NodeDns } from "../../src/node.ts"
import { type Rbldnsd, startRbldnsd, startSilentDns } from "./support/rbldnsd.ts"

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

  it("cache serves positive answers for their TTL and NotFound for the negative TTL, never failures", async () => {
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
    expect(r.before).toBe(4) // a, nope, fail, fail
    expect(r.mid).toBe(5)
    expect(r.after).toBe(6)
    expect(r.again.records).toEqual(["192.0.2.1"])
  })
})

describe("NodeDns against a real rbldnsd", () => {
  let rbl: Rbldnsd
  beforeAll(async () => {
    rbl = await startRbldnsd([
      { zone: "bl.test", type: "ip4set", data: ":127.0.0.2:listed $\n192.0.2.7\n" },
      { zone: "bl.test", type: "ip6trie", data: "2001:db8::7\n" }
    ])
  })
  afterAll(async () => {
    await rbl?.stop()
  })

  it("parses server strings (IPv4 host:port, [IPv6]:port, bare) and rejects junk", () => {
    expect(NodeDns.parseServer("127.0.0.1:5353")).toBe("127.0.0.1:5353")
    expect(NodeDns.parseServer("[::1]:53")).toBe("[::1]:53")
    expect(NodeDns.parseServer("::1")).toBe("[::1]:53")
    expect(NodeDns.parseServer("192.0.2.1")).toBe("192.0.2.1:53")
    expect(() => NodeDns.parseServer("dns.example:53")).toThrow(/not an IP/)
    expect(() => NodeDns.parseServer("127.0.0.1:99999")).toThrow(/bad port/)
  })

  it("resolves A with TTL and TXT; NXDOMAIN is NotFound; answers are cached", async () => {
    const dns = NodeDns.make({ servers: [rbl.server] })
    expect(await Effect.runPromise(dns.resolve("A", "7.2.0.192.bl.test"))).toEqual({ records: ["127.0.0.2"], ttlSeconds: 60 })
    const txt = await Effect.runPromise(dns.resolve("TXT", "7.2.0.192.bl.test"))
    expect(txt.records).toEqual(["listed 192.0.2.7"])
    const nx = await run(dns.resolve("A", "1.2.0.192.bl.test"))
    expect(nx._tag === "Failure" && nx.failure.reason).toBe("NotFound")
    const refused = await run(dns.resolve("A", "x.other.test"))
    expect(refused._tag === "Failure" && refused.failure.reason).toBe("Refused")
    rbl.resetQueries()
    await Effect.runPromise(dns.resolve("A", "7.2.0.192.bl.test"))
    await run(dns.resolve("A", "1.2.0.192.bl.test"))
    expect(await rbl.settledQueries()).toEqual([])
  })

  it("a silent server gives Timeout within the per-call timeout", async () => {
    const silent = await startSilentDns()
    try {
      const dns = NodeDns.make({ servers: [silent.server], attemptTimeoutMillis: 5000, tries: 1 })
      const fiber = Effect.runFork(Effect.result(dns.resolve("A", "2.0.0.127.bl.test", { timeoutMillis: 300 })))
      const r = await Effect.runPromise(Fiber.join(fiber))
      expect(r._tag === "Failure" && r.failure.reason).toBe("Timeout")
      expect(silent.received()).toBeGreaterThanOrEqual(1)
    } finally {
      await silent.stop()
    }
  })
})
