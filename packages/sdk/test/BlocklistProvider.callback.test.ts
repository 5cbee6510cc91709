import { fc, test } from "@fast-check/vitest"
import { type BlocklistQuery, BlocklistRunner, Plugins } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type Answer, defineBlocklistProvider, definePlugin, SDK_API_VERSION } from "../src/index.ts"
import { loadPlugin, providerConformance } from "../src/testing.ts"

const q = (value: string) => ({ kind: "ip" as const, value })
const lookup = (p: ReturnType<typeof defineBlocklistProvider>, query: BlocklistQuery) =>
  Effect.runPromise(BlocklistRunner.make({ cache: false }).lookup(p, query)).then(({ millis: _, ...r }) => r)

/** Answers a provider may give, well-formed or not. */
const answer: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.record({
    listed: fc.constant(false),
    ttlSeconds: fc.option(fc.integer({ min: -5, max: 10 ** 7 }), { nil: undefined })
  }),
  fc.record({
    listed: fc.constant(true),
    codes: fc.option(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), { nil: undefined }),
    score: fc.option(fc.oneof(fc.double(), fc.integer()), { nil: undefined }),
    reason: fc.option(fc.string({ maxLength: 600 }), { nil: undefined })
  }),
  fc.record({
    unknown: fc.constantFrom("Unavailable", "Timeout", "ResolverBlocked", "Broken", "Whatever"),
    detail: fc.option(fc.string({ maxLength: 600 }), { nil: undefined })
  }),
  fc.anything()
)

describe("defineBlocklistProvider: the callback form", () => {
  test.prop([answer, fc.option(fc.integer({ min: 0, max: 10 ** 6 }), { nil: undefined })], { numRuns: 200 })(
    "gives the async form's record for any answer, told at once or later",
    async (raw, defaultTtlSeconds) => {
      const asAsync = defineBlocklistProvider({
        name: "p",
        kinds: ["ip"],
        defaultTtlSeconds,
        check: async () => raw as Answer
      })
      const atOnce = defineBlocklistProvider({
        name: "p",
        kinds: ["ip"],
        defaultTtlSeconds,
        checkCallback: (_q, _c, tell) => tell(raw as Answer)
      })
      const later = defineBlocklistProvider({
        name: "p",
        kinds: ["ip"],
        defaultTtlSeconds,
        checkCallback: (_q, _c, tell) => {
          const t = setTimeout(() => tell(raw as Answer), 1)
          return () => clearTimeout(t)
        }
      })
      const expected = await lookup(asAsync, q("192.0.2.1"))
      expect(await lookup(atOnce, q("192.0.2.1"))).toEqual(expected)
      expect(await lookup(later, q("192.0.2.1"))).toEqual(expected)
      // Its Effect form, for callers outside the runner, gives the same answer.
      expect(await Effect.runPromise(later.lookup(q("192.0.2.1")))).toEqual(expected.answer)
    }
  )

  it("a throw or `fail` is Unknown: ProviderError with the error's text, as a rejected check is", async () => {
    const rejects = defineBlocklistProvider({
      name: "r",
      kinds: ["ip"],
      check: async () => Promise.reject(new Error("nope"))
    })
    const throws = defineBlocklistProvider({
      name: "r",
      kinds: ["ip"],
      checkCallback: () => {
        throw new Error("nope")
      }
    })
    const fails = defineBlocklistProvider({
      name: "r",
      kinds: ["ip"],
      checkCallback: (_q, { fail }) => {
        setImmediate(() => fail(new Error("nope")))
      }
    })
    const expected = await lookup(rejects, q("192.0.2.1"))
    expect(expected.answer).toEqual({ _tag: "Unknown", reason: "ProviderError", detail: "Error: nope" })
    expect(await lookup(throws, q("192.0.2.1"))).toEqual(expected)
    expect(await lookup(fails, q("192.0.2.1"))).toEqual(expected)
  })

  it("the first answer counts; the engine stops the work at the deadline, and an answer after it is ignored", async () => {
    const stopped: Array<string> = []
    const twice = defineBlocklistProvider({
      name: "twice",
      kinds: ["ip"],
      checkCallback: (_q, _c, tell) => {
        tell({ listed: false })
        tell({ listed: true, codes: ["127.0.0.2"] })
      }
    })
    expect((await lookup(twice, q("192.0.2.1"))).answer).toMatchObject({ _tag: "NotListed" })
    let late: ((a: Answer) => void) | undefined
    const slow = defineBlocklistProvider({
      name: "slow",
      kinds: ["ip"],
      timeoutMillis: 20,
      checkCallback: (query, { now }, tell) => {
        expect(Object.isFrozen(query)).toBe(true)
        expect(now).toBeTypeOf("number")
        late = tell
        return () => stopped.push(query.value)
      }
    })
    const r = await lookup(slow, q("192.0.2.9"))
    expect(r).toMatchObject({
      answer: { _tag: "Unknown", reason: "Timeout", detail: "no answer within 20 ms" },
      inTime: false
    })
    expect(stopped).toEqual(["192.0.2.9"])
    late?.({ listed: true })
    expect(stopped).toEqual(["192.0.2.9"])
  })

  it("under a concurrency limit it runs as an Effect, within the limit", async () => {
    const open = { now: 0, most: 0 }
    const capped = defineBlocklistProvider({
      concurrency: 2,
      name: "capped",
      kinds: ["ip"],
      checkCallback: (_q, _c, tell) => {
        open.most = Math.max(open.most, ++open.now)
        const t = setTimeout(() => tell((open.now--, null)), 5)
        return () => clearTimeout(t)
      }
    })
    expect(capped.ask).toBeUndefined()
    const queries = Array.from({ length: 10 }, (_, i) => q(`192.0.2.${i}`))
    await Effect.runPromise(BlocklistRunner.make({ cache: false, concurrency: 16 }).run([capped], queries))
    expect(open.most).toBe(2)
  })

  it("takes one form only", () => {
    expect(() =>
      defineBlocklistProvider({
        name: "both",
        kinds: ["ip"],
        check: async () => null,
        checkCallback: () => {}
      } as never)
    ).toThrow(/either check, checkEffect or checkCallback/)
  })

  it("a plugin written for the Effect or async form works as before (no callback form, guarded by the host)", async () => {
    const plugin = definePlugin({
      name: "old-style",
      apiVersion: SDK_API_VERSION,
      setup: () => ({
        providers: [
          defineBlocklistProvider({
            name: "fx",
            kinds: ["ip"],
            timeoutMillis: 500,
            checkEffect: (query) => Effect.succeed(query.value === "192.0.2.1" ? { listed: true, codes: ["x"] } : null)
          }),
          defineBlocklistProvider({
            name: "async",
            kinds: ["ip"],
            timeoutMillis: 500,
            check: async () => ({ listed: false })
          })
        ]
      })
    })
    const loaded = await loadPlugin(plugin)
    const providers = loaded.providers.map((p) => Plugins.guardProvider(p))
    for (const p of loaded.providers) expect(p.ask).toBeUndefined()
    const records = await Effect.runPromise(
      BlocklistRunner.make({ cache: false }).run(providers, [q("192.0.2.1"), q("192.0.2.2")])
    )
    expect(records.map((r) => [r.provider, r.query.value, r.answer._tag])).toEqual([
      ["fx", "192.0.2.1", "Listed"],
      ["fx", "192.0.2.2", "NotListed"],
      ["async", "192.0.2.1", "NotListed"],
      ["async", "192.0.2.2", "NotListed"]
    ])
  })
})

providerConformance(
  defineBlocklistProvider({
    name: "callback-conformance",
    kinds: ["ip"],
    timeoutMillis: 50,
    checkCallback: (query, _c, tell) => {
      if (query.value === "192.0.2.66") return () => {}
      const t = setImmediate(() => tell(query.value === "192.0.2.2" ? { listed: true, codes: ["127.0.0.2"] } : null))
      return () => clearImmediate(t)
    }
  }),
  {
    slowQuery: q("192.0.2.66"),
    cases: [
      { query: q("192.0.2.2"), expect: "listed" },
      { query: q("192.0.2.1"), expect: "notListed" }
    ]
  }
)
