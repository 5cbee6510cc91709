import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import type { BlocklistAnswer, BlocklistProvider } from "../../src/Blocklist.ts"
import { BlocklistRunner } from "../../src/index.ts"

const provider = (name: string, lookup: BlocklistProvider["lookup"], timeoutMillis = 100): BlocklistProvider => ({
  name,
  kinds: ["ip"],
  timeoutMillis,
  lookup
})
const q = (value: string) => ({ kind: "ip" as const, value })

describe("BlocklistRunner", () => {
  it("only answers in time count: a late answer is Unknown: Timeout and never cached", async () => {
    let calls = 0
    const slow = provider(
      "slow",
      () =>
        Effect.sync(() => calls++).pipe(
          Effect.andThen(Effect.sleep("200 millis")),
          Effect.as({ _tag: "Listed", codes: ["127.0.0.2"] } as BlocklistAnswer)
        ),
      50
    )
    const runner = BlocklistRunner.make()
    const a = await Effect.runPromise(runner.lookup(slow, q("192.0.2.1")))
    expect(a.answer).toMatchObject({ _tag: "Unknown", reason: "Timeout" })
    expect(a.inTime).toBe(false)
    await Effect.runPromise(runner.lookup(slow, q("192.0.2.1")))
    expect(calls).toBe(2)
  })

  it("timeout 0 means no timeout", async () => {
    const slow = provider(
      "slow",
      () => Effect.sleep("120 millis").pipe(Effect.as({ _tag: "NotListed" } as BlocklistAnswer)),
      0
    )
    const r = await Effect.runPromise(BlocklistRunner.make().lookup(slow, q("192.0.2.1")))
    expect(r.answer._tag).toBe("NotListed")
    expect(r.inTime).toBe(true)
  })

  it("malformed answers become Unknown: Broken; defects become Unknown: ProviderError", async () => {
    const runner = BlocklistRunner.make()
    const cases: Array<[unknown, string]> = [
      [null, "Broken"],
      [{ _tag: "Listed", codes: "127.0.0.2" }, "Broken"],
      [{ _tag: "Listed", codes: [1] }, "Broken"],
      [{ _tag: "NotListed", ttlSeconds: -1 }, "Broken"],
      [{ _tag: "Unknown", reason: "Whatever" }, "Broken"],
      [{ _tag: "Maybe" }, "Broken"]
    ]
    for (const [raw, reason] of cases) {
      const r = await Effect.runPromise(
        runner.lookup(
          provider("bad", () => Effect.succeed(raw as BlocklistAnswer)),
          q("192.0.2.9")
        )
      )
      expect(r.answer, JSON.stringify(raw)).toMatchObject({ _tag: "Unknown", reason })
    }
    const throwing = provider("throws", () => {
      throw new Error("boom")
    })
    const dying = provider("dies", () => Effect.die(new Error("kaput")))
    for (const p of [throwing, dying]) {
      const r = await Effect.runPromise(runner.lookup(p, q("192.0.2.9")))
      expect(r.answer).toMatchObject({ _tag: "Unknown", reason: "ProviderError" })
    }
  })

  it("caches Listed / NotListed for their TTL (TestClock), reports latency and cache hits", async () => {
    let calls = 0
    const p = provider("p", () =>
      Effect.sync(() => {
        calls++
        return { _tag: "Listed", codes: ["127.0.0.2"], ttlSeconds: 60 } as BlocklistAnswer
      })
    )
    const runner = BlocklistRunner.make()
    const program = Effect.gen(function* () {
      const first = yield* runner.lookup(p, q("192.0.2.1"))
      const second = yield* runner.lookup(p, q("192.0.2.1"))
      yield* TestClock.adjust("61 seconds")
      const third = yield* runner.lookup(p, q("192.0.2.1"))
      return { first, second, third }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    expect(r.first.cached).toBe(false)
    expect(r.second.cached).toBe(true)
    expect(r.third.cached).toBe(false)
    expect(calls).toBe(2)
  })

  it("runs providers x queries of matching kinds under the concurrency limit", async () => {
    let inFlight = 0
    let peak = 0
    const p = (name: string) =>
      provider(name, () =>
        Effect.gen(function* () {
          inFlight++
          peak = Math.max(peak, inFlight)
          yield* Effect.sleep("10 millis")
          inFlight--
          return { _tag: "NotListed" } as BlocklistAnswer
        })
      )
    const domainOnly: BlocklistProvider = { ...p("d"), kinds: ["domain"] }
    const runner = BlocklistRunner.make({ concurrency: 3, cache: false })
    const records = await Effect.runPromise(
      runner.run(
        [p("a"), p("b"), domainOnly],
        [q("192.0.2.1"), q("192.0.2.2"), q("192.0.2.3"), { kind: "domain", value: "x.test" }]
      )
    )
    expect(records.map((r) => `${r.provider}:${r.query.value}`)).toEqual([
      "a:192.0.2.1",
      "a:192.0.2.2",
      "a:192.0.2.3",
      "b:192.0.2.1",
      "b:192.0.2.2",
      "b:192.0.2.3",
      "d:x.test"
    ])
    expect(peak).toBeLessThanOrEqual(3)
    expect(peak).toBeGreaterThan(1)
  })

  it("run: cached answers are taken at once, the others asked; records stay in (provider, query) order", async () => {
    const asked: Array<string> = []
    const p = (name: string, ttlSeconds: number) =>
      provider(name, (query) =>
        Effect.sync(() => {
          asked.push(`${name}:${query.value}`)
          return (
            query.value.endsWith(".2")
              ? { _tag: "Listed", codes: ["127.0.0.2"], ttlSeconds }
              : { _tag: "NotListed", ttlSeconds }
          ) as BlocklistAnswer
        })
      )
    const a = p("a", 60)
    const b = p("b", 60)
    const runner = BlocklistRunner.make()
    const program = Effect.gen(function* () {
      // Warm the cache for two of the six pairs, one per provider.
      yield* runner.run([a], [q("192.0.2.1")])
      yield* runner.run([b], [q("192.0.2.2")])
      asked.length = 0
      const mixed = yield* runner.run([a, b], [q("192.0.2.1"), q("192.0.2.2"), q("192.0.2.3")])
      const askedMixed = [...asked]
      asked.length = 0
      const cached = yield* runner.run([a, b], [q("192.0.2.1"), q("192.0.2.2"), q("192.0.2.3")])
      const askedCached = [...asked]
      yield* TestClock.adjust("61 seconds")
      const one = yield* runner.run([a, b], [q("192.0.2.2")])
      return { mixed, askedMixed, cached, askedCached, one, askedAfter: [...asked] }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(TestClock.layer())))
    const shape = (rs: ReadonlyArray<BlocklistRunner.LookupRecord>) =>
      rs.map((x) => `${x.provider}:${x.query.value}:${x.answer._tag}:${x.cached ? "cached" : "asked"}`)
    expect(shape(r.mixed)).toEqual([
      "a:192.0.2.1:NotListed:cached",
      "a:192.0.2.2:Listed:asked",
      "a:192.0.2.3:NotListed:asked",
      "b:192.0.2.1:NotListed:asked",
      "b:192.0.2.2:Listed:cached",
      "b:192.0.2.3:NotListed:asked"
    ])
    expect(r.askedMixed.sort()).toEqual(["a:192.0.2.2", "a:192.0.2.3", "b:192.0.2.1", "b:192.0.2.3"])
    expect(shape(r.cached).every((x) => x.endsWith(":cached"))).toBe(true)
    expect(r.cached.map((x) => x.answer)).toEqual(r.mixed.map((x) => x.answer))
    expect(r.askedCached).toEqual([])
    // Expired: asked again, in order.
    expect(shape(r.one)).toEqual(["a:192.0.2.2:Listed:asked", "b:192.0.2.2:Listed:asked"])
    expect(r.askedAfter).toEqual(["a:192.0.2.2", "b:192.0.2.2"])
  })

  it("run: one uncached lookup still gets its provider's deadline", async () => {
    const slow = provider("slow", () => Effect.never, 30)
    const records = await Effect.runPromise(BlocklistRunner.make().run([slow], [q("192.0.2.1")]))
    expect(records).toHaveLength(1)
    expect(records[0]!.answer).toMatchObject({ _tag: "Unknown", reason: "Timeout" })
    expect(records[0]!.inTime).toBe(false)
  })

  it("runNow: every answer cached, the records themselves (no effect); else, or with no clock to read, the effect", async () => {
    let asked = 0
    const listed = provider("l", () =>
      Effect.sync((): BlocklistAnswer => {
        asked++
        return { _tag: "Listed", codes: ["127.0.0.2"], ttlSeconds: 60 }
      })
    )
    const runner = BlocklistRunner.make()
    const inFiber = <A>(f: () => A): A => Effect.runSync(Effect.suspend(() => Effect.succeed(f())))
    const first = inFiber(() => runner.runNow([listed], [q("192.0.2.1"), q("192.0.2.2")]))
    expect(Effect.isEffect(first)).toBe(true)
    const records = await Effect.runPromise(first as Effect.Effect<ReadonlyArray<BlocklistRunner.LookupRecord>>)
    expect(asked).toBe(2)
    const again = inFiber(() => runner.runNow([listed], [q("192.0.2.1"), q("192.0.2.2")]))
    expect(Effect.isEffect(again)).toBe(false)
    expect(again).toEqual(records.map((r) => ({ ...r, cached: true, millis: 0 })))
    // Outside a fiber, and with no clock lent, there is no time to check the answers' TTL against.
    expect(Effect.isEffect(runner.runNow([listed], [q("192.0.2.1")]))).toBe(true)
    expect(asked).toBe(2)
  })
})
