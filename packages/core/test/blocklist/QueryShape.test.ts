import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { BlocklistAnswer, BlocklistProvider, BlocklistQuery } from "../../src/Blocklist.ts"
import { BlocklistRunner } from "../../src/index.ts"
import { hiddenClasses } from "../support/hiddenClass.ts"

// A provider is given a frozen copy of each query; the copies keep one hidden class, query after
// query, so that a provider's reads of them stay monomorphic once optimised.
const NOT_LISTED: BlocklistAnswer = { _tag: "NotListed", ttlSeconds: 0 }
const queries = (n: number): ReadonlyArray<BlocklistQuery> =>
  Array.from({ length: n }, (_, i) =>
    i % 2 === 0 ? { kind: "ip", value: `192.0.2.${i}` } : { kind: "ip", value: `192.0.2.${i}`, origin: "client" }
  )

describe("the queries providers are given", () => {
  it("by the Effect path: frozen copies, the value kept, one hidden class", async () => {
    const seen: Array<BlocklistQuery> = []
    const provider: BlocklistProvider = {
      name: "p",
      kinds: ["ip"],
      timeoutMillis: 0,
      lookup: (q) =>
        Effect.sync(() => {
          seen.push(q)
          return NOT_LISTED
        })
    }
    const runner = BlocklistRunner.make({ cache: false })
    for (const q of queries(12)) await Effect.runPromise(runner.lookup(provider, q))
    expect(seen.map((q) => [q.value, q.origin, Object.isFrozen(q)])).toEqual(
      queries(12).map((q) => [q.value, q.origin, true])
    )
    expect(hiddenClasses(seen)).toBe(1)
  })

  it("by the callback path: frozen copies, the value kept, one hidden class", async () => {
    const seen: Array<BlocklistQuery> = []
    const provider: BlocklistProvider = {
      name: "p",
      kinds: ["ip"],
      timeoutMillis: 0,
      lookup: () => Effect.die("the callback path was expected"),
      ask: (q, _now, answered) => {
        seen.push(q)
        answered(NOT_LISTED)
        return () => {}
      }
    }
    await Effect.runPromise(BlocklistRunner.make({ cache: false }).run([provider], queries(12)))
    expect(seen.map((q) => [q.value, q.origin, Object.isFrozen(q)])).toEqual(
      queries(12).map((q) => [q.value, q.origin, true])
    )
    expect(hiddenClasses(seen)).toBe(1)
  })
})
