// The built-in lists are SDK providers: `@mailmoat/antispam`'s DNS zone provider (RBL, DNSBL,
// end-user zones) and its local end-user list are made with `defineBlocklistProvider`. These
// tests hold them to what real DNS lists need from the SDK (no deadline, zone-sized names, DNS
// TTLs) and run the conformance kit on them.
// `@mailmoat/antispam` resolves through the workspace's source alias (vitest.shared.ts, tsconfig
// paths) and is deliberately not a package.json dependency: antispam depends on the SDK, so a
// build edge sdk -> antispam would be a cycle in turbo's graph.
import { DnsZoneProvider, EndUserList } from "@mailmoat/antispam"
import { BlocklistRunner, Dns, Plugins } from "@mailmoat/core"
import { Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { cachedLookup, lookup, providerConformance } from "../src/testing.ts"

// The longest zone the configuration and `lists import` accept (200 characters).
const LONG_ZONE = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(8)}`

const dns = Dns.makeStatic({
  "2.0.0.127.bl.test": { A: ["127.0.0.2"], ttl: 900 },
  "3.0.0.127.bl.test": { A: ["127.0.0.2"], ttl: 2 ** 31 - 1 },
  "4.0.0.127.bl.test": { A: ["127.0.0.4", "127.0.0.10"] },
  "254.0.0.127.bl.test": { A: ["127.255.255.254"] },
  "9.0.0.127.bl.test": { A: ["198.51.100.1"] },
  "8.0.0.127.bl.test": { A: Array.from({ length: 65 }, (_, i) => `127.0.0.${i + 2}`) },
  "5.0.0.127.bl.test": { fail: "ServerFailure" },
  "7.0.0.127.bl.test": "hang",
  [`2.0.0.127.${LONG_ZONE}`]: { A: ["127.0.0.4"] },
  "2.0.0.127._bl.test": { A: ["127.0.0.2"] }
})

const zone = (spec: string, timeoutMillis = 50) =>
  DnsZoneProvider.make({ spec: DnsZoneProvider.parseZoneSpec(spec), kinds: ["ip", "domain"], timeoutMillis, dns })
const ip = (value: string) => ({ kind: "ip" as const, value })

describe("the built-in DNS zone provider is an SDK provider", () => {
  it("answers RBL/DNSBL codes through the SDK's answer checks", async () => {
    expect(await lookup(zone("bl.test"), ip("127.0.0.2"))).toMatchObject({
      listed: true,
      codes: ["127.0.0.2"],
      ttlSeconds: 900
    })
    expect(await lookup(zone("bl.test:127.0.0.10"), ip("127.0.0.4"))).toMatchObject({
      listed: true,
      codes: ["127.0.0.10"]
    })
    expect(await lookup(zone("bl.test"), ip("127.0.0.1"))).toMatchObject({ listed: false, ttlSeconds: 60 })
    expect(await lookup(zone("bl.test"), ip("127.0.0.254"))).toMatchObject({ unknown: "ResolverBlocked" })
    expect(await lookup(zone("bl.test"), ip("127.0.0.9"))).toMatchObject({ unknown: "Broken" })
    expect(await lookup(zone("bl.test"), ip("127.0.0.5"))).toMatchObject({ unknown: "Unavailable" })
    expect(await lookup(zone("bl.test"), ip("127.0.0.7"))).toMatchObject({ unknown: "Timeout" })
  })

  it("an answer the SDK would refuse (65 return codes, a huge value) is a zone error, never a provider error", async () => {
    expect(await lookup(zone("bl.test"), ip("127.0.0.8"))).toMatchObject({
      unknown: "Broken",
      detail: "65 answers (at most 64 return codes)"
    })
    const huge = await lookup(zone("bl.test"), { kind: "domain", value: "x".repeat(10_000) })
    expect(huge).toMatchObject({ unknown: "Broken" })
    expect((huge as { detail: string }).detail.length).toBeLessThanOrEqual(500)
  })

  it("the longest zone with the longest return code is a provider name (over the old 100-character limit)", async () => {
    expect(LONG_ZONE).toHaveLength(200)
    expect(zone(`${LONG_ZONE}:127.255.255.255`).name).toHaveLength(216)
    const p = zone(`${LONG_ZONE}:127.0.0.4`)
    expect(await lookup(p, ip("127.0.0.2"))).toMatchObject({ listed: true, codes: ["127.0.0.4"] })
    expect(await lookup(zone("_bl.test"), ip("127.0.0.2"))).toMatchObject({ listed: true })
  })

  it("a DNS TTL of 2^31-1 seconds is a listing cached for the engine's cap, not an invalid answer", async () => {
    const ask = cachedLookup()
    const first = await ask(zone("bl.test"), ip("127.0.0.3"))
    expect(first.answer).toMatchObject({ _tag: "Listed", codes: ["127.0.0.2"], ttlSeconds: 7 * 86_400 })
    expect((await ask(zone("bl.test"), ip("127.0.0.3"))).cached).toBe(true)
  })

  it("timeoutSeconds 0 is no deadline: the lookup waits as long as the DNS answer takes", async () => {
    const p = zone("bl.test", 0)
    expect(p.timeoutMillis).toBe(0)
    expect(Plugins.checkProvider(p, { allowNoDeadline: true })).toEqual([])
    // A hanging zone: neither the runner nor the DNS call gives up after ten minutes of TestClock time.
    const program = Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(Effect.timeoutOption(p.lookup(ip("127.0.0.7")), "1 hour"))
      yield* TestClock.adjust("10 minutes")
      const early = fiber.pollUnsafe()
      yield* TestClock.adjust("51 minutes")
      return [early, yield* Fiber.join(fiber)] as const
    })
    const [early, late] = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(early).toBeUndefined()
    expect(Option.isNone(late)).toBe(true)
  })

  it("the deadline is the DNS call's: a hanging zone is Unknown: Timeout at that moment, the runner sets none", async () => {
    const p = zone("bl.test", 1000)
    expect(p.timeoutMillis).toBe(0)
    const program = Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(BlocklistRunner.make({ cache: false }).lookup(p, ip("127.0.0.7")))
      yield* TestClock.adjust(999)
      const early = fiber.pollUnsafe()
      yield* TestClock.adjust(1)
      return [early, yield* Fiber.join(fiber)] as const
    })
    const [early, record] = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(early).toBeUndefined()
    expect(record).toMatchObject({
      answer: { _tag: "Unknown", reason: "Timeout", detail: "no answer within 1000 ms" },
      inTime: false
    })
  })

  it("a deadline over the SDK's 60 s stays with the DNS call", async () => {
    const p = zone("bl.test", 120_000)
    expect(p.timeoutMillis).toBe(0)
    const program = Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(p.lookup(ip("127.0.0.7")))
      yield* TestClock.adjust("2 minutes")
      return yield* Fiber.join(fiber)
    })
    expect(await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))).toMatchObject({
      _tag: "Unknown",
      reason: "Timeout"
    })
  })
})

describe("the built-in end-user list is an SDK provider", () => {
  const list = EndUserList.make(["198.51.100.0/24", "bad@example.net", "spam.example"])

  it("answers from memory, no deadline, never cached", async () => {
    expect(list.timeoutMillis).toBe(0)
    const ask = cachedLookup()
    const first = await ask(list, { kind: "address", value: "x@mail.spam.example" })
    expect(first.answer).toMatchObject({ _tag: "Listed", codes: ["spam.example"], ttlSeconds: 0 })
    expect((await ask(list, { kind: "address", value: "x@mail.spam.example" })).cached).toBe(false)
    expect((await ask(list, ip("198.51.100.7"))).answer).toMatchObject({ _tag: "Listed", codes: ["198.51.100.0/24"] })
    expect((await ask(list, ip("192.0.2.1"))).answer).toMatchObject({ _tag: "NotListed", ttlSeconds: 0 })
  })
})

// A zone's deadline is its DNS call's (the first test above: a hanging zone answers
// `Unknown: Timeout`), so the provider gives the runner none of its own.
providerConformance(zone("bl.test"), {
  allowNoDeadline: true,
  slowQuery: ip("127.0.0.7"),
  cases: [
    { query: ip("127.0.0.2"), expect: "listed" },
    { query: ip("127.0.0.1"), expect: "notListed" },
    { query: ip("127.0.0.254"), expect: "unknown" }
  ]
})
providerConformance(zone("bl.test", 0), {
  allowNoDeadline: true,
  slowQuery: ip("127.0.0.7"),
  cases: [{ query: ip("127.0.0.2"), expect: "listed" }]
})
providerConformance(EndUserList.make(["198.51.100.0/24", "bad@example.net", "spam.example"]), {
  allowNoDeadline: true,
  cases: [
    { query: ip("198.51.100.9"), expect: "listed" },
    { query: { kind: "address", value: "bad@example.net" }, expect: "listed" },
    { query: { kind: "domain", value: "ham.example" }, expect: "notListed" }
  ]
})
