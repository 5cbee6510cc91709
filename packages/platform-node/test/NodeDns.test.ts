// The Node DNS layer against a real rbldnsd on loopback.
import { Resolver } from "node:dns"
import { Dns } from "@mailmoat/core"
import { Cause, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { NodeDns } from "../src/index.ts"
import { type Rbldnsd, startRbldnsd, startSilentDns } from "../../core/test/dns/support/rbldnsd.ts"

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(Effect.result(e))

describe.each(["builtin", "system"] as const)("NodeDns against a real rbldnsd (%s resolver)", (resolver) => {
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
    const dns = NodeDns.make({ resolver, servers: [rbl.server] })
    expect(await Effect.runPromise(dns.resolve("A", "7.2.0.192.bl.test"))).toEqual({
      records: ["127.0.0.2"],
      ttlSeconds: 60
    })
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

  it("lookup: NXDOMAIN is a NotFound value (uncached and cached); a REFUSED answer is asked once within 5 s", async () => {
    const uncached = NodeDns.makeUncached({ resolver, servers: [rbl.server] })
    expect(await Effect.runPromise(uncached.lookup!("A", "1.2.0.192.bl.test"))).toEqual({
      _tag: "NotFound",
      detail: "ENOTFOUND"
    })
    const dns = NodeDns.make({ resolver, servers: [rbl.server] })
    expect(await Effect.runPromise(dns.lookup!("A", "1.2.0.192.bl.test"))).toMatchObject({ _tag: "NotFound" })
    expect(await Effect.runPromise(dns.lookup!("A", "7.2.0.192.bl.test"))).toEqual({
      _tag: "Answer",
      records: ["127.0.0.2"],
      ttlSeconds: 60
    })
    rbl.resetQueries()
    for (let i = 0; i < 3; i++) {
      const refused = await run(dns.resolve("TXT", "y.other.test"))
      expect(refused._tag === "Failure" && refused.failure.reason).toBe("Refused")
    }
    expect(await rbl.settledQueries()).toEqual(["y.other.test TXT"])
  })

  it("a REFUSED answer on the wire is asked once within a minute, again after it, and stays a failure", async () => {
    // The cache reads the Effect clock: the test clock moves it, rbldnsd answers on real time.
    const dns = NodeDns.make({ resolver, servers: [rbl.server] })
    rbl.resetQueries()
    const program = Effect.gen(function* () {
      const told: Array<string | false> = []
      // At 0, 6, 30 and 53 s.
      for (const seconds of [0, 6, 24, 23]) {
        yield* TestClock.adjust(`${seconds} seconds`)
        const txt = yield* Effect.result(dns.lookup!("TXT", "_dmarc.sender.example", { timeoutMillis: 2000 }))
        const ptr = yield* Effect.result(dns.lookup!("PTR", "192.0.2.99", { timeoutMillis: 2000 }))
        told.push(txt._tag === "Failure" && txt.failure.reason, ptr._tag === "Failure" && ptr.failure.reason)
      }
      const within = yield* Effect.promise(() => rbl.settledQueries())
      yield* TestClock.adjust("8 seconds") // 61 s: past the 60 s REFUSED is kept
      yield* Effect.result(dns.lookup!("TXT", "_dmarc.sender.example", { timeoutMillis: 2000 }))
      return { told, within, after: yield* Effect.promise(() => rbl.settledQueries()) }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(new Set(r.told)).toEqual(new Set(["Refused"]))
    expect(r.within).toEqual(["_dmarc.sender.example TXT", "99.2.0.192.in-addr.arpa PTR"])
    expect(r.after).toEqual([...r.within, "_dmarc.sender.example TXT"])
  })

  it("query (the callback form) tells what lookup gives, and the cache asks and keeps through it", async () => {
    type Told = Parameters<Parameters<NonNullable<ReturnType<typeof NodeDns.make>["query"]>>[4]>[0]
    const ask = (dns: ReturnType<typeof NodeDns.make>, type: "A" | "TXT" | "PTR", name: string, millis = 2000) =>
      new Promise<Told>((resolve) => {
        dns.query!(type, name, millis, Date.now(), resolve)
      })
    // A cached answer's TTL is what is left of it: compared without it.
    const withoutTtl = (exit: Told) =>
      Exit.isSuccess(exit) && exit.value._tag === "Answer" ? { ...exit.value, ttlSeconds: 0 } : exit
    const uncached = NodeDns.makeUncached({ resolver, servers: [rbl.server] })
    const dns = NodeDns.make({ resolver, servers: [rbl.server] })
    for (const [type, name] of [
      ["A", "7.2.0.192.bl.test"],
      ["A", "1.2.0.192.bl.test"],
      ["TXT", "z.other.test"],
      ["PTR", "192.0.2.7"]
    ] as const) {
      const viaLookup = await Effect.runPromise(Effect.exit(uncached.lookup!(type, name)))
      expect(await ask(uncached, type, name)).toEqual(viaLookup)
      rbl.resetQueries()
      expect(await ask(dns, type, name)).toEqual(viaLookup)
      // Kept by the cache: asked once, told again without a question, as lookup tells it from the cache.
      const keptViaLookup = await Effect.runPromise(Effect.exit(dns.lookup!(type, name, { timeoutMillis: 2000 })))
      expect(withoutTtl(await ask(dns, type, name))).toEqual(withoutTtl(keptViaLookup))
      expect(await rbl.settledQueries()).toHaveLength(1)
    }
  })

  it("query: a silent server's question gives Timeout at the deadline; a cancelled one tells nothing", async () => {
    const silent = await startSilentDns()
    try {
      const dns = NodeDns.make({ resolver, servers: [silent.server], attemptTimeoutMillis: 5000, tries: 1 })
      const told: Array<unknown> = []
      const cancel = dns.query!("A", "3.0.0.127.bl.test", 100, Date.now(), (exit) => told.push(exit))
      cancel()
      const timedOut = await new Promise<Parameters<Parameters<NonNullable<typeof dns.query>>[4]>[0]>((resolve) => {
        dns.query!("A", "2.0.0.127.bl.test", 150, Date.now(), resolve)
      })
      expect(Exit.isFailure(timedOut) && Exit.findErrorOption(timedOut)).toMatchObject({
        _tag: "Some",
        value: { reason: "Timeout", name: "2.0.0.127.bl.test", detail: "no answer within 150 ms" }
      })
      expect(told).toEqual([])
    } finally {
      await silent.stop()
    }
  })

  it("a silent server gives Timeout within the per-call timeout", async () => {
    const silent = await startSilentDns()
    try {
      const dns = NodeDns.make({ resolver, servers: [silent.server], attemptTimeoutMillis: 5000, tries: 1 })
      const fiber = Effect.runFork(Effect.result(dns.resolve("A", "2.0.0.127.bl.test", { timeoutMillis: 300 })))
      const r = await Effect.runPromise(Fiber.join(fiber))
      expect(r._tag === "Failure" && r.failure.reason).toBe("Timeout")
      expect(silent.received()).toBeGreaterThanOrEqual(1)
    } finally {
      await silent.stop()
    }
  })
})

describe("NodeDns with c-ares: answers taken at Node's request object", () => {
  let rbl: Rbldnsd
  beforeAll(async () => {
    rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: ":127.0.0.2:listed $\n192.0.2.7\n" }])
  })
  afterAll(async () => {
    await rbl?.stop()
  })

  it("not found, refused and listed answers never reach Node's public callback (no DNSException is made)", async () => {
    // Every callback Node's `Resolver` would call, counted: its errors are DNSExceptions.
    const methods = ["resolve4", "resolveTxt", "resolvePtr"] as const
    const called: Array<string> = []
    const originals = methods.map((m) => Resolver.prototype[m])
    methods.forEach((m, i) => {
      const original = originals[i] as (...args: Array<unknown>) => unknown
      Resolver.prototype[m] = function (this: Resolver, ...args: Array<unknown>) {
        const callback = args.pop() as (...a: Array<unknown>) => void
        return original.call(this, ...args, (...a: Array<unknown>) => {
          called.push(`${m} ${a[0] instanceof Error ? (a[0] as NodeJS.ErrnoException).code : "ok"}`)
          callback(...a)
        })
      } as never
    })
    try {
      const dns = NodeDns.makeUncached({ resolver: "system", servers: [rbl.server] })
      const ask = (type: "A" | "TXT" | "PTR", name: string) => Effect.runPromiseExit(Dns.lookup(dns, type, name))
      expect(await ask("A", "1.2.0.192.bl.test")).toEqual(Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" }))
      expect(await ask("TXT", "1.2.0.192.bl.test")).toEqual(Exit.succeed({ _tag: "NotFound", detail: "ENOTFOUND" }))
      const refused = await ask("PTR", "192.0.2.1")
      expect(Exit.isFailure(refused) && String(Cause.squash(refused.cause))).toMatch(/Refused/)
      expect(await ask("A", "7.2.0.192.bl.test")).toEqual(
        Exit.succeed({ _tag: "Answer", records: ["127.0.0.2"], ttlSeconds: 60 })
      )
      expect(called).toEqual([])
    } finally {
      methods.forEach((m, i) => {
        Resolver.prototype[m] = originals[i] as never
      })
    }
  })
})
