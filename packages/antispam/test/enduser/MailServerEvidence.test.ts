// Forward-confirmed reverse DNS of the sending host: confirmed, not confirmed (no PTR, or no PTR
// name resolving back), and unknown when a lookup fails temporarily (no evidence either way).
// Asked by callback (a resolver with `query`, the runtime's clock), `fcrdnsNow` is a `Later` that
// gives what `fcrdns` gives, for any zone.
import { fc, test } from "@fast-check/vitest"
import { Dns, Later, StageAnswers } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { fcrdns, fcrdnsKnown, fcrdnsNow, isFqdnHelo } from "../../src/enduser/MailServerEvidence.ts"

const zone: Dns.StaticZone = {
  "1.2.0.192.in-addr.arpa": { PTR: ["mx.good.test"] },
  "mx.good.test": { A: ["192.0.2.1"] },
  "2.2.0.192.in-addr.arpa": { PTR: ["elsewhere.test", "mx.good.test"] },
  "elsewhere.test": { A: ["198.51.100.9"] },
  "3.2.0.192.in-addr.arpa": { fail: "Refused" },
  "4.2.0.192.in-addr.arpa": { PTR: ["broken.test"] },
  "broken.test": { fail: "ServerFailure" },
  "5.2.0.192.in-addr.arpa": { PTR: ["nowhere.test"] }
}

const check = (ip: string) => Effect.runPromise(fcrdns(Dns.withCache(Dns.makeStatic(zone)), ip, 1000))

describe("fcrdns", () => {
  it("confirmed when a PTR name resolves back to the IP", async () => {
    expect(await check("192.0.2.1")).toEqual({ _tag: "Confirmed", name: "mx.good.test" })
    expect(await check("192.0.2.2")).toEqual({ _tag: "NotConfirmed", why: "PTR names do not resolve back to the IP" })
  })

  it("not confirmed without a PTR record or when the name does not exist", async () => {
    expect(await check("192.0.2.9")).toEqual({ _tag: "NotConfirmed", why: "no PTR record" })
    expect(await check("192.0.2.5")).toEqual({ _tag: "NotConfirmed", why: "PTR names do not resolve back to the IP" })
    expect(await check("not an ip")).toEqual({ _tag: "NotConfirmed", why: "not an IP" })
  })

  it("unknown when a lookup fails temporarily", async () => {
    expect(await check("192.0.2.3")).toEqual({ _tag: "Unknown", why: "PTR Refused" })
    expect(await check("192.0.2.4")).toEqual({ _tag: "Unknown", why: "broken.test: ServerFailure" })
  })

  it("a HELO is a mail server's when it is a fully qualified name", () => {
    expect(isFqdnHelo("mx.good.test")).toBe(true)
    expect(isFqdnHelo("[192.0.2.1]")).toBe(false)
    expect(isFqdnHelo("localhost")).toBe(false)
  })

  it("from remembered answers alone: nothing before they are asked, then what `fcrdns` gave, with no effect", async () => {
    const ips = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.9"]
    const dns = Dns.withCache(Dns.makeStatic(zone))
    for (const ip of ips) expect(fcrdnsKnown(dns, ip, Date.now())).toBeUndefined()
    for (const ip of ips) {
      const asked = await Effect.runPromise(fcrdns(dns, ip, 1000))
      expect(fcrdnsKnown(dns, ip, Date.now())).toEqual(asked)
      // In a fiber (a clock to read), `fcrdnsNow` is that result itself, not an effect.
      const now = Effect.runSync(Effect.suspend(() => Effect.succeed(fcrdnsNow(dns, ip, 1000))))
      expect(Effect.isEffect(now)).toBe(false)
      expect(now).toEqual(asked)
    }
    // Past the answers' time to live (the zone's 300 s), nothing is known again.
    expect(fcrdnsKnown(dns, "192.0.2.1", Date.now() + 3_600_000)).toBeUndefined()
  })
})

/** `zone` answered by callback (`DnsShape.query`) one turn later, as a socket's answer comes. */
const byCallback = (zone: Dns.StaticZone): Dns.DnsShape => {
  const inner = Dns.makeStatic(zone)
  const lookup: NonNullable<Dns.DnsShape["lookup"]> = (type, name, options) => Dns.lookup(inner, type, name, options)
  return {
    resolve: inner.resolve,
    lookup,
    query: (type, name, timeoutMillis, _now, answered) => {
      let over = false
      const fiber = Effect.runFork(lookup(type, name, { timeoutMillis }))
      fiber.addObserver((exit) =>
        setImmediate(() => {
          if (!over) answered(exit)
        })
      )
      return () => {
        over = true
        fiber.interruptUnsafe()
      }
    }
  }
}

const entryArb: fc.Arbitrary<Dns.StaticEntry | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant("hang" as const),
  fc.constantFrom({ fail: "Refused" as const }, { fail: "ServerFailure" as const }),
  fc.record({
    PTR: fc.array(fc.constantFrom("a.test", "b.test", "c.test", "d.test"), { maxLength: 4 }),
    A: fc.array(fc.constantFrom("192.0.2.7", "198.51.100.1"), { maxLength: 2 })
  })
)

describe("fcrdnsNow by callback", () => {
  test.prop([fc.record({ ptr: entryArb, a: entryArb, b: entryArb, c: entryArb, d: entryArb })], { numRuns: 60 })(
    "is a Later (no fiber) that gives what `fcrdns` gives",
    async (entries) => {
      const zone: Record<string, Dns.StaticEntry> = {}
      const names = { ptr: "7.2.0.192.in-addr.arpa", a: "a.test", b: "b.test", c: "c.test", d: "d.test" }
      for (const [k, name] of Object.entries(names)) {
        const e = entries[k as keyof typeof entries]
        if (e !== undefined) zone[name] = e
      }
      const expected = await Effect.runPromise(fcrdns(Dns.withCache(byCallback(zone)), "192.0.2.7", 30))
      const dns = Dns.withCache(byCallback(zone))
      // Built in a fiber (the runtime's clock to read), as the end-user stage builds it.
      const now = Effect.runSync(Effect.suspend(() => Effect.succeed(fcrdnsNow(dns, "192.0.2.7", 30))))
      expect(Later.isLater(now)).toBe(true)
      expect(await Effect.runPromise(StageAnswers.toEffect(now))).toEqual(expected)
    }
  )
})
