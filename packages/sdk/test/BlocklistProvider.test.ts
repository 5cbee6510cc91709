import { BlocklistRunner, Plugins } from "@mailmoat/core"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { defineBlocklistProvider, definePlugin, SDK_API_VERSION } from "../src/index.ts"
import { loadPlugin } from "../src/testing.ts"

const q = (value: string) => ({ kind: "ip" as const, value })

describe("defineBlocklistProvider", () => {
  it("the async form answers through the engine runner", async () => {
    const p = defineBlocklistProvider({
      name: "t",
      kinds: ["ip"],
      check: async (query) => (query.value === "192.0.2.1" ? { listed: true, codes: ["bad"], score: 3 } : null)
    })
    const runner = BlocklistRunner.make({ cache: false })
    expect((await Effect.runPromise(runner.lookup(p, q("192.0.2.1")))).answer).toMatchObject({
      _tag: "Listed",
      codes: ["bad"],
      score: 3
    })
    expect((await Effect.runPromise(runner.lookup(p, q("192.0.2.2")))).answer).toMatchObject({ _tag: "NotListed" })
    expect(p.timeoutMillis).toBe(2000)
    expect(Object.isFrozen(p)).toBe(true)
  })

  it("on timeout the engine answers Unknown: Timeout and aborts the check's signal", async () => {
    let aborted: Promise<string> | undefined
    const p = defineBlocklistProvider({
      name: "slow",
      kinds: ["ip"],
      timeoutMillis: 30,
      check: (_q, { signal }) => {
        aborted = new Promise((resolve) => signal.addEventListener("abort", () => resolve("aborted")))
        return new Promise(() => {})
      }
    })
    const r = await Effect.runPromise(BlocklistRunner.make().lookup(p, q("192.0.2.1")))
    expect(r.answer).toMatchObject({ _tag: "Unknown", reason: "Timeout" })
    expect(await aborted).toBe("aborted")
  })

  it("throws, rejections and Effect failures are isolated as Unknown: ProviderError", async () => {
    const runner = BlocklistRunner.make({ cache: false })
    const specs = [
      defineBlocklistProvider({
        name: "throws",
        kinds: ["ip"],
        check: () => {
          throw new Error("boom")
        }
      }),
      defineBlocklistProvider({ name: "rejects", kinds: ["ip"], check: async () => Promise.reject(new Error("nope")) }),
      defineBlocklistProvider({ name: "fails", kinds: ["ip"], checkEffect: () => Effect.fail("down") }),
      defineBlocklistProvider({ name: "dies", kinds: ["ip"], checkEffect: () => Effect.die(new Error("kaput")) }),
      defineBlocklistProvider({
        name: "garbage",
        kinds: ["ip"],
        check: async () => ({ listed: true, score: Number.NaN }) as never
      })
    ]
    for (const p of specs) {
      const r = await Effect.runPromise(runner.lookup(p, q("192.0.2.1")))
      expect(r.answer, p.name).toMatchObject({ _tag: "Unknown", reason: "ProviderError" })
    }
  })

  it("caches by the returned ttlSeconds (engine cache, TestClock)", async () => {
    let calls = 0
    const p = defineBlocklistProvider({
      name: "ttl",
      kinds: ["ip"],
      checkEffect: () => Effect.sync(() => ({ listed: true as const, codes: [String(++calls)], ttlSeconds: 30 }))
    })
    const runner = BlocklistRunner.make()
    const program = Effect.gen(function* () {
      yield* runner.lookup(p, q("192.0.2.1"))
      const cached = yield* runner.lookup(p, q("192.0.2.1"))
      yield* TestClock.adjust("31 seconds")
      const fresh = yield* runner.lookup(p, q("192.0.2.1"))
      return [cached.cached, fresh.cached]
    })
    expect(await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))).toEqual([true, false])
    expect(calls).toBe(2)
  })

  it("limits its own concurrency across runs", async () => {
    let inFlight = 0
    let peak = 0
    const p = defineBlocklistProvider({
      name: "limited",
      kinds: ["ip"],
      concurrency: 2,
      check: async () => {
        peak = Math.max(peak, ++inFlight)
        await new Promise((r) => setTimeout(r, 5))
        inFlight--
        return null
      }
    })
    const runner = BlocklistRunner.make({ cache: false, concurrency: 16 })
    await Effect.runPromise(
      runner.run(
        [p],
        Array.from({ length: 10 }, (_, i) => q(`192.0.2.${i}`))
      )
    )
    expect(peak).toBe(2)
  })

  it("passes a frozen query", async () => {
    const p = defineBlocklistProvider({
      name: "mutates",
      kinds: ["domain"],
      check: (query) => {
        ;(query as { value: string }).value = "changed"
        return null
      }
    })
    const r = await Effect.runPromise(BlocklistRunner.make().lookup(p, { kind: "domain", value: "example.com" }))
    expect(r.answer).toMatchObject({ _tag: "Unknown", reason: "ProviderError" })
  })

  it("rejects wrong definitions with a TypeError naming the provider", () => {
    const check = async () => null
    expect(() => defineBlocklistProvider({ name: "", kinds: ["ip"], check })).toThrow(TypeError)
    expect(() => defineBlocklistProvider({ name: "x", kinds: [], check })).toThrow(/kinds/)
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["url" as "ip"], check })).toThrow(/kinds/)
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["ip"], timeoutMillis: -1, check })).toThrow(
      /timeoutMillis/
    )
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["ip"], timeoutMillis: 60_001, check })).toThrow(
      /timeoutMillis/
    )
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["ip"], timeoutMillis: Number.NaN, check })).toThrow(
      /timeoutMillis/
    )
    expect(() => defineBlocklistProvider({ name: "x".repeat(254), kinds: ["ip"], check })).toThrow(/at most 253/)
    expect(() => defineBlocklistProvider({ name: "bl.example:127.0.0.2 ", kinds: ["ip"], check })).toThrow(/not a name/)
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["ip"] } as never)).toThrow(/check/)
    expect(() =>
      defineBlocklistProvider({ name: "x", kinds: ["ip"], check, checkEffect: () => Effect.succeed(null) } as never)
    ).toThrow(/either/)
  })

  it("names can be whole DNS zones with a return code (up to 253 characters)", () => {
    const check = async () => null
    const zone = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(45)}:127.255.255.255`
    expect(zone).toHaveLength(253)
    expect(defineBlocklistProvider({ name: zone, kinds: ["ip"], check }).name).toBe(zone)
    expect(defineBlocklistProvider({ name: "_bl.example", kinds: ["ip"], check }).name).toBe("_bl.example")
  })

  it("timeoutMillis 0 is no deadline: the engine waits for the answer", async () => {
    const p = defineBlocklistProvider({
      name: "no-deadline",
      kinds: ["ip"],
      timeoutMillis: 0,
      checkEffect: () => Effect.sleep("10 minutes").pipe(Effect.as({ listed: true as const, codes: ["late"] }))
    })
    expect(p.timeoutMillis).toBe(0)
    // Ten minutes of TestClock time: any deadline the SDK or the runner added would have fired.
    const program = Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(BlocklistRunner.make({ cache: false }).lookup(p, q("192.0.2.1")))
      yield* TestClock.adjust("10 minutes")
      return yield* Fiber.join(fiber)
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.answer).toMatchObject({ _tag: "Listed", codes: ["late"] })
    expect(r.inTime).toBe(true)
  })

  it("the gateway refuses a plugin provider without a deadline, with a message saying why", async () => {
    const p = defineBlocklistProvider({ name: "no-deadline", kinds: ["ip"], timeoutMillis: 0, check: async () => null })
    expect(Plugins.checkProvider(p)).toEqual([
      "provider no-deadline: timeoutMillis must be between 1 and 60000 (0, no deadline, is for built-in lists only)"
    ])
    expect(Plugins.checkProvider(p, { allowNoDeadline: true })).toEqual([])
    const plugin = definePlugin({
      name: "@acme/no-deadline",
      apiVersion: SDK_API_VERSION,
      setup: () => ({ providers: [p] })
    })
    const loaded = await loadPlugin(plugin)
    expect(loaded.providers).toEqual([])
    expect(loaded.problems).toEqual([
      "plugins[0] (@acme/no-deadline).providers[0]: provider no-deadline: timeoutMillis must be between 1 and 60000 (0, no deadline, is for built-in lists only)"
    ])
  })

  it("a DNS-sized TTL is cached for the engine's cap, not rejected", async () => {
    let calls = 0
    const p = defineBlocklistProvider({
      name: "long-ttl",
      kinds: ["ip"],
      checkEffect: () =>
        Effect.sync(() => ({ listed: true as const, codes: [String(++calls)], ttlSeconds: 2 ** 31 - 1 }))
    })
    const runner = BlocklistRunner.make({ maxTtlSeconds: 3600 })
    const program = Effect.gen(function* () {
      const first = yield* runner.lookup(p, q("192.0.2.1"))
      yield* TestClock.adjust("59 minutes")
      const cached = yield* runner.lookup(p, q("192.0.2.1"))
      yield* TestClock.adjust("2 minutes")
      const fresh = yield* runner.lookup(p, q("192.0.2.1"))
      return [first.answer, cached.cached, fresh.cached]
    })
    const [first, cached, fresh] = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(first).toMatchObject({ _tag: "Listed", ttlSeconds: 7 * 86_400 })
    expect([cached, fresh]).toEqual([true, false])
  })
})
