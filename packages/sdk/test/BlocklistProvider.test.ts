import { BlocklistRunner } from "@mailmoat/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { defineBlocklistProvider } from "../src/index.ts"

const q = (value: string) => ({ kind: "ip" as const, value })

describe("defineBlocklistProvider", () => {
  it("the async form answers through the engine runner", async () => {
    const p = defineBlocklistProvider({ name: "t", kinds: ["ip"], check: async (query) => (query.value === "192.0.2.1" ? { listed: true, codes: ["bad"], score: 3 } : null) })
    const runner = BlocklistRunner.make({ cache: false })
    expect((await Effect.runPromise(runner.lookup(p, q("192.0.2.1")))).answer).toMatchObject({ _tag: "Listed", codes: ["bad"], score: 3 })
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
      defineBlocklistProvider({ name: "throws", kinds: ["ip"], check: () => { throw new Error("boom") } }),
      defineBlocklistProvider({ name: "rejects", kinds: ["ip"], check: async () => Promise.reject(new Error("nope")) }),
      defineBlocklistProvider({ name: "fails", kinds: ["ip"], checkEffect: () => Effect.fail("down") }),
      defineBlocklistProvider({ name: "dies", kinds: ["ip"], checkEffect: () => Effect.die(new Error("kaput")) }),
      defineBlocklistProvider({ name: "garbage", kinds: ["ip"], check: async () => ({ listed: true, score: Number.NaN }) as never })
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
    await Effect.runPromise(runner.run([p], Array.from({ length: 10 }, (_, i) => q(`192.0.2.${i}`))))
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
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["ip"], timeoutMillis: 0, check })).toThrow(/timeoutMillis/)
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["ip"] } as never)).toThrow(/check/)
    expect(() => defineBlocklistProvider({ name: "x", kinds: ["ip"], check, checkEffect: () => Effect.succeed(null) } as never)).toThrow(/either/)
  })
})
