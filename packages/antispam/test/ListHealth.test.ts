// List health probing runs as a scheduled fiber: a round at once, the next one an interval after
// it ends, and none after stop; time is the Clock and state changes go to the fiber's logger.
import type { BlocklistProvider } from "@mailmoat/core"
import { Effect, Logger } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import * as ListHealth from "../src/health/ListHealth.ts"

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const until = async (check: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await sleep(20)
  return check()
}

describe("ListHealth.start", () => {
  it("probes at once, every interval after a round, and never after stop", async () => {
    let lookups = 0
    const provider: BlocklistProvider = {
      name: "bl.test",
      kinds: ["ip"],
      timeoutMillis: 1000,
      lookup: (q) =>
        Effect.sync(() => {
          lookups++
          return q.value === "127.0.0.2"
            ? { _tag: "Listed" as const, codes: ["127.0.0.2"] }
            : { _tag: "NotListed" as const }
        })
    }
    const health = ListHealth.make([provider])
    const stop = health.start(1000)
    // One round is two lookups: the listed and the unlisted test point.
    expect(await until(() => lookups >= 2)).toBe(true)
    expect(health.status()[0]!.state).toBe("healthy")
    expect(await until(() => lookups >= 4)).toBe(true)
    stop()
    const after = lookups
    await sleep(2500)
    expect(lookups).toBe(after)
  })
})

describe("ListHealth logging and time", () => {
  it("a suspension is a warning on the running fiber's logger, stamped with its Clock", async () => {
    const everything: BlocklistProvider = {
      name: "wild.test",
      kinds: ["ip"],
      timeoutMillis: 1000,
      lookup: () => Effect.succeed({ _tag: "Listed" as const, codes: ["127.0.0.2"] })
    }
    const lines: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => lines.push(`${logLevel}: ${String(message)}`))
    const health = ListHealth.make([everything])
    const program = Effect.gen(function* () {
      yield* TestClock.setTime(1_700_000_000_000)
      return yield* health.probeAll
    }).pipe(Effect.provide(TestClock.layer()), Effect.provide(Logger.layer([logger])))
    const [zone] = await Effect.runPromise(program)
    expect(zone).toMatchObject({ state: "suspended", lastProbeAt: 1_700_000_000_000 })
    expect(lines).toEqual([
      "Warn: list health: zone wild.test suspended: lists everything (lists its must-not-list test point)"
    ])
  })
})
