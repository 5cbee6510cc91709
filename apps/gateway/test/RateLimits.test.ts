// The rate limits' decisions and log lines, over a memory counter and a failing one.
import { State } from "@mailmoat/core"
import { describe, expect, it } from "vitest"
import * as Log from "../src/Log.ts"
import { makeRateLimits } from "../src/RateLimits.ts"

const logged = () => {
  const lines: Array<string> = []
  return {
    lines,
    logger: Log.make(
      { level: "debug", format: "text" },
      (l) => lines.push(l),
      () => Date.UTC(2026, 11, 3, 9, 0, 0)
    )
  }
}
const limits = {
  windowMs: 60_000,
  connectionsPerIp: 2,
  connectionsPerNetwork: 3,
  messagesPerIp: 0,
  messagesPerNetwork: 0
}

describe("rate limits", () => {
  it("per address, then per /24, with a 421 from the reply table and one warn line", async () => {
    const { lines, logger } = logged()
    const r = makeRateLimits(State.makeMemoryRateCounter(), limits, logger)
    expect(await r.connection("192.0.2.1")).toBeUndefined()
    expect(await r.connection("192.0.2.1")).toBeUndefined()
    expect(await r.connection("192.0.2.1")).toEqual({
      code: 421,
      enhanced: "4.7.0",
      text: "Try again later: too many connections from your address"
    })
    expect(await r.connection("::ffff:192.0.2.2")).toEqual({
      code: 421,
      enhanced: "4.7.0",
      text: "Try again later: too many connections from your network"
    })
    expect(await r.connection("198.51.100.1")).toBeUndefined()
    expect(lines.filter((l) => l.includes("rate_limited"))).toHaveLength(2)
    expect(lines[0]).toMatch(
      /warn rate_limited kind="connection" ip="192\.0\.2\.1" network="192\.0\.2\/24" scope="ip" count=3 limit=2 windowSeconds=60/
    )
  })

  it("IPv6 clients count per /64", async () => {
    const r = makeRateLimits(
      State.makeMemoryRateCounter(),
      { ...limits, connectionsPerIp: 0, connectionsPerNetwork: 1 },
      Log.silent
    )
    expect(await r.connection("2001:db8:1:2::5")).toBeUndefined()
    expect((await r.connection("2001:db8:1:2:ffff::9"))?.code).toBe(421)
    expect(await r.connection("2001:db8:1:3::5")).toBeUndefined()
  })

  it("messages get 451 4.7.1; limits at 0 never ask the counter", async () => {
    let asked = 0
    const counter = State.makeMemoryRateCounter()
    const counting = {
      describe: "x",
      hit: (g: string, n: ReadonlyArray<string>, w: number) => (asked++, counter.hit(g, n, w))
    }
    const r = makeRateLimits(counting, { ...limits, messagesPerIp: 1 }, Log.silent)
    expect(await r.message("192.0.2.1")).toBeUndefined()
    expect(await r.message("192.0.2.1")).toMatchObject({ code: 451, enhanced: "4.7.1" })
    const off = makeRateLimits(counting, { ...limits, connectionsPerIp: 0, connectionsPerNetwork: 0 }, Log.silent)
    const before = asked
    expect(await off.connection("192.0.2.1")).toBeUndefined()
    expect(asked).toBe(before)
  })

  it("a counter that fails lets the client through (fail open) with a warn line", async () => {
    const { lines, logger } = logged()
    const r = makeRateLimits(
      { describe: "down", hit: async () => Promise.reject(new Error("redis: no answer within 500 ms")) },
      limits,
      logger
    )
    expect(await r.connection("192.0.2.1")).toBeUndefined()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/warn.*rate_limit_unavailable.*no answer within 500 ms/)
  })

  it("answers at once over the memory counter and with the limits off; a remote counter by promise", async () => {
    const r = makeRateLimits(State.makeMemoryRateCounter(), { ...limits, messagesPerIp: 1 }, Log.silent)
    expect(r.connection("192.0.2.1")).toBeUndefined()
    expect(r.message("192.0.2.9")).toBeUndefined()
    expect(r.message("192.0.2.9")).toMatchObject({ code: 451, enhanced: "4.7.1" })
    const memory = State.makeMemoryRateCounter()
    const remote = makeRateLimits(
      { describe: "remote", hit: (g, n, w) => Promise.resolve(memory.hit(g, n, w)) },
      { ...limits, connectionsPerIp: 1 },
      Log.silent
    )
    const first = remote.connection("192.0.2.1")
    expect(first).toBeInstanceOf(Promise)
    expect(await first).toBeUndefined()
    expect(await remote.connection("192.0.2.1")).toMatchObject({ code: 421 })
  })

  it("a counter that throws at once fails open too", () => {
    const { lines, logger } = logged()
    const r = makeRateLimits(
      {
        describe: "broken",
        hit: () => {
          throw new Error("counter broken")
        }
      },
      limits,
      logger
    )
    expect(r.connection("192.0.2.1")).toBeUndefined()
    expect(lines[0]).toMatch(/warn.*rate_limit_unavailable.*counter broken/)
  })
})
