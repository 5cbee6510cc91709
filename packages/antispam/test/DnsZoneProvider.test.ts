import { type BlocklistProvider, BlocklistRunner, Dns, type DnsShape } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as DnsZoneProvider from "../src/rbl/DnsZoneProvider.ts"

const dns = Dns.makeStatic({
  "2.0.0.127.bl.test": { A: ["127.0.0.2"] },
  "4.0.0.127.bl.test": { A: ["127.0.0.4", "127.0.0.10"] },
  "254.0.0.127.bl.test": { A: ["127.255.255.254"] },
  "255.0.0.127.bl.test": { A: ["127.0.1.255"] },
  "9.0.0.127.bl.test": { A: ["198.51.100.1"] },
  "5.0.0.127.bl.test": { fail: "ServerFailure" },
  "6.0.0.127.bl.test": { fail: "Refused" },
  "7.0.0.127.bl.test": "hang",
  "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test": { A: ["127.0.0.3"] },
  "spam.example.bl.test": { A: ["127.0.1.2"] }
})
const lookup = (spec: string, kind: "ip" | "domain", value: string) =>
  Effect.runPromise(
    DnsZoneProvider.make({
      spec: DnsZoneProvider.parseZoneSpec(spec),
      kinds: ["ip", "domain"],
      timeoutMillis: 50,
      dns
    }).lookup({ kind, value })
  )

describe("DNS zone answers have five meanings (TESTING #35-37, P17)", () => {
  it("parses zone specs", () => {
    expect(DnsZoneProvider.parseZoneSpec("ZEN.example.")).toEqual({ zone: "zen.example", text: "zen.example" })
    expect(DnsZoneProvider.parseZoneSpec("zen.example:127.0.0.4")).toEqual({
      zone: "zen.example",
      returnCode: "127.0.0.4",
      text: "zen.example:127.0.0.4"
    })
    for (const bad of ["", "nodot", "bl.example:10.0.0.1", "bl.example:127.0.0", "bad_zone!.example", "-x.example"]) {
      expect(() => DnsZoneProvider.parseZoneSpec(bad), bad).toThrow()
    }
  })

  it("classifies listed, not listed, error codes, hijacked answers and failures", async () => {
    expect(await lookup("bl.test", "ip", "127.0.0.2")).toMatchObject({ _tag: "Listed", codes: ["127.0.0.2"] })
    expect(await lookup("bl.test", "ip", "127.0.0.1")).toMatchObject({ _tag: "NotListed" })
    expect(await lookup("bl.test", "ip", "127.0.0.254")).toMatchObject({ _tag: "Unknown", reason: "ResolverBlocked" })
    expect(await lookup("bl.test", "ip", "127.0.0.255")).toMatchObject({ _tag: "Unknown", reason: "ResolverBlocked" })
    expect(await lookup("bl.test", "ip", "127.0.0.9")).toMatchObject({ _tag: "Unknown", reason: "Broken" })
    expect(await lookup("bl.test", "ip", "127.0.0.5")).toMatchObject({ _tag: "Unknown", reason: "Unavailable" })
    expect(await lookup("bl.test", "ip", "127.0.0.6")).toMatchObject({ _tag: "Unknown", reason: "Unavailable" })
    expect(await lookup("bl.test", "ip", "127.0.0.7")).toMatchObject({ _tag: "Unknown", reason: "Timeout" })
    expect(await lookup("bl.test", "ip", "2001:db8::1")).toMatchObject({ _tag: "Listed", codes: ["127.0.0.3"] })
    expect(await lookup("bl.test", "domain", "SPAM.example")).toMatchObject({ _tag: "Listed", codes: ["127.0.1.2"] })
  })

  it("zone:127.0.0.x counts only that answer", async () => {
    expect(await lookup("bl.test:127.0.0.10", "ip", "127.0.0.4")).toMatchObject({
      _tag: "Listed",
      codes: ["127.0.0.10"]
    })
    expect(await lookup("bl.test:127.0.0.2", "ip", "127.0.0.4")).toMatchObject({ _tag: "NotListed" })
    // An error code is never turned into "not listed" by the filter.
    expect(await lookup("bl.test:127.0.0.2", "ip", "127.0.0.254")).toMatchObject({
      _tag: "Unknown",
      reason: "ResolverBlocked"
    })
  })
})

describe("the callback form over a resolver answered by callback", () => {
  const defect = new Error("resolver bug")
  const isDefect = (name: string) => name === "8.0.0.127.bl.test"
  /** The static zones by Effect, with one name whose lookup is a defect. */
  const effectDns: DnsShape = {
    resolve: (type, name, options) => (isDefect(name) ? Effect.die(defect) : dns.resolve(type, name, options))
  }
  /** The same zones by callback, one event-loop turn later; the cache in front as the gateway has it. */
  const callbackInner: DnsShape = {
    ...effectDns,
    query: (type, name, timeoutMillis, _now, answered) => {
      const fiber = Effect.runFork(Dns.lookup(effectDns, type, name, { timeoutMillis }))
      fiber.addObserver((exit) => setImmediate(() => answered(exit)))
      return () => fiber.interruptUnsafe()
    }
  }
  const VALUES = ["127.0.0.2", "127.0.0.1", "127.0.0.254", "127.0.0.9", "127.0.0.5", "127.0.0.6", "127.0.0.7"]
  const queries = [...VALUES, "127.0.0.8", "2001:db8::1", "not-an-ip"].map((value) => ({ kind: "ip" as const, value }))
  const provider = (over: DnsShape, spec: string, timeoutMillis = 50) =>
    DnsZoneProvider.make({
      spec: DnsZoneProvider.parseZoneSpec(spec),
      kinds: ["ip", "domain"],
      timeoutMillis,
      dns: over
    })

  it("gives the Effect form's records (timeouts, failures, defects, malformed values) through the runner", async () => {
    for (const spec of ["bl.test", "bl.test:127.0.0.2"]) {
      const byEffect = provider(effectDns, spec)
      const byCallback = provider(Dns.withCache(callbackInner), spec)
      expect(byEffect.ask).toBeUndefined()
      expect(byCallback.ask).toBeTypeOf("function")
      const run = (p: BlocklistProvider) =>
        Effect.runPromise(BlocklistRunner.make({ cache: false }).run([p], queries)).then((rs) =>
          rs.map(({ millis: _, ...r }) => r)
        )
      const [a, b] = await Promise.all([run(byEffect), run(byCallback)])
      expect(b).toEqual(a)
      expect(a.find((r) => r.query.value === "127.0.0.7")).toMatchObject({
        answer: { _tag: "Unknown", reason: "Timeout", detail: "no answer within 50 ms" },
        inTime: false
      })
      expect(a.find((r) => r.query.value === "127.0.0.8")?.answer).toEqual({
        _tag: "Unknown",
        reason: "ProviderError",
        detail: "Error: resolver bug"
      })
    }
  })

  it("keeps the deadline with the DNS call when the runner cannot (none, over a minute, a fresh probe)", () => {
    const cached = Dns.withCache(callbackInner)
    expect(provider(cached, "bl.test", 0)).toMatchObject({ timeoutMillis: 0 })
    expect(provider(cached, "bl.test", 0).ask).toBeTypeOf("function")
    expect(provider(cached, "bl.test", 120_000)).toMatchObject({ timeoutMillis: 0 })
    expect(provider(cached, "bl.test", 60_000)).toMatchObject({ timeoutMillis: 60_000 })
    const fresh = DnsZoneProvider.make({
      spec: DnsZoneProvider.parseZoneSpec("bl.test"),
      kinds: ["ip"],
      timeoutMillis: 50,
      dns: cached,
      fresh: true
    })
    expect(fresh.ask).toBeUndefined()
    expect(fresh.timeoutMillis).toBe(0)
  })

  it("asks the DNS cache not to keep an answer that its runner keeps (keptByRunner)", () => {
    const seen: Array<boolean | undefined> = []
    const spy: DnsShape = {
      ...effectDns,
      query: (_type, _name, _timeoutMillis, _now, _answered, _timer, keep) => {
        seen.push(keep)
        return () => {}
      }
    }
    for (const keptByRunner of [true, false, undefined])
      DnsZoneProvider.make({
        spec: DnsZoneProvider.parseZoneSpec("bl.test"),
        kinds: ["ip"],
        timeoutMillis: 2000,
        dns: spy,
        keptByRunner
      }).ask!({ kind: "ip", value: "127.0.0.2" }, 0, () => {})
    expect(seen).toEqual([false, undefined, undefined])
  })

  it("asks the DNS waiter without a timer of its own when the runner keeps the deadline", () => {
    const seen: Array<[number, boolean | undefined]> = []
    const spy: DnsShape = {
      ...effectDns,
      query: (_type, _name, timeoutMillis, _now, _answered, timer) => {
        seen.push([timeoutMillis, timer])
        return () => {}
      }
    }
    const at = (timeoutMillis: number) =>
      provider(spy, "bl.test", timeoutMillis).ask!({ kind: "ip", value: "127.0.0.2" }, 0, () => {})
    at(2000)
    at(0)
    at(120_000)
    expect(seen).toEqual([
      [2000, false],
      [0, true],
      [120_000, true]
    ])
  })
})
