// Shared limits against a real redis-server: counters counted together by two clients ("nodes"),
// AUTH lockouts reached in total over two limiters, atomic under concurrency, failing fast.
import { State } from "@mailmoat/core"
import { Smtp } from "@mailmoat/protocols"
import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"
import { make as makeAuthStore } from "../src/RedisAuthFailureStore.ts"
import { counterKeys, make as makeCounter } from "../src/RedisRateCounter.ts"
import { client, endedOtherwise, ready } from "./support/client.ts"

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("shared limits (real redis-server)", () => {
  let redis: RedisPeer
  const clients: Array<Redis> = []
  const node = async (timeoutMillis = 1000) => {
    const c = client(redis.url, timeoutMillis)
    clients.push(c)
    await ready(c)
    return c
  }
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    for (const c of clients) c.disconnect()
    await redis?.stop()
  })

  it("two nodes count one client's events together, per window", async () => {
    const c = await node()
    const a = makeCounter({ client: c, prefix: "r1:" })
    const b = makeCounter({ client: await node(), prefix: "r1:" })
    // A window far longer than three round trips take at any load: the three hits fall in it.
    expect(await a.hit("conn:192.0.2.0/24", ["ip:192.0.2.7", "net"], 60_000)).toEqual([1, 1])
    expect(await b.hit("conn:192.0.2.0/24", ["ip:192.0.2.7", "net"], 60_000)).toEqual([2, 2])
    expect(await b.hit("conn:192.0.2.0/24", ["ip:192.0.2.8", "net"], 60_000)).toEqual([1, 3])
    // A short window ends on Redis's clock: waited for by the counter's disappearance, not a pause.
    expect(await a.hit("conn:192.0.2.1/32", ["ip:192.0.2.1"], 300)).toEqual([1])
    const [key] = counterKeys("r1:", "conn:192.0.2.1/32", ["ip:192.0.2.1"])
    const left = await c.pttl(key!)
    expect(left).toBeGreaterThan(0)
    expect(left).toBeLessThanOrEqual(300)
    while ((await c.exists(key!)) === 1) await sleep(50)
    expect(await b.hit("conn:192.0.2.1/32", ["ip:192.0.2.1"], 300)).toEqual([1])
  })

  it("concurrent hits from both nodes lose no event", async () => {
    const a = makeCounter({ client: await node(), prefix: "r2:" })
    const b = makeCounter({ client: await node(), prefix: "r2:" })
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).hit("g", ["n"], 60_000)))
    expect(all.map((c) => c[0]).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
  })

  it("a group's counters share one hash tag (one Cluster slot), braces in the group cannot split it", () => {
    const keys = counterKeys("mailmoat:", "msg:2001:db8:1:2::/64", ["ip:2001:db8:1:2::5", "net"])
    expect(keys).toEqual([
      "{mailmoat:limits:msg:2001:db8:1:2::/64}:ip:2001:db8:1:2::5",
      "{mailmoat:limits:msg:2001:db8:1:2::/64}:net"
    ])
    expect(counterKeys("p:", "a}b{c", ["x"])).toEqual(["{p:limits:a_b_c}:x"])
  })

  it("a counter left without an expiry gets one", async () => {
    const c = await node()
    await c.set("{r3:limits:g}:n", "7")
    expect(await makeCounter({ client: c, prefix: "r3:" }).hit("g", ["n"], 5000)).toEqual([8])
    expect(await c.pttl("{r3:limits:g}:n")).toBeGreaterThan(0)
  })

  it("a brute-forcer spread over two gateways is locked out at the limit in total", async () => {
    const options = { maxFailures: 5, windowMs: 60_000, lockoutMs: 60_000, baseDelayMs: 0, maxDelayMs: 0 }
    const storeErrors: Array<unknown> = []
    const gateways = [await node(), await node()].map(
      (c) =>
        new Smtp.AuthLimiter({
          ...options,
          store: makeAuthStore({ client: c, prefix: "auth1:" }),
          onStoreError: (e) => storeErrors.push(e)
        })
    )
    let tried = 0
    // Alternate nodes, new user name each time: only the address count can stop it.
    for (let i = 0; i < 20; i++) {
      const g = gateways[i % 2]!
      if (await g.locked("198.51.100.4", `user${i}`)) break
      tried++
      await g.failed("198.51.100.4", `user${i}`)
    }
    expect(tried).toBe(5)
    for (const g of gateways) expect(await g.locked("198.51.100.4", "someone")).toBe(true)
    expect(await gateways[0]!.locked("198.51.100.5", "someone")).toBe(false)
    expect(storeErrors).toEqual([])
  })

  it("the same with the memory store lets it try the limit on each gateway (what sharing fixes)", async () => {
    const options = { maxFailures: 5, windowMs: 60_000, lockoutMs: 60_000, baseDelayMs: 0, maxDelayMs: 0 }
    const gateways = [0, 1].map(() => new Smtp.AuthLimiter({ ...options, store: new Smtp.MemoryAuthFailureStore() }))
    let tried = 0
    for (let i = 0; i < 20; i++) {
      const g = gateways[i % 2]!
      if (await g.locked("198.51.100.4", `user${i}`)) break
      tried++
      await g.failed("198.51.100.4", `user${i}`)
    }
    expect(tried).toBe(10) // 5 on each of the two
  })

  it("a success clears the user name on every node, not the address", async () => {
    const stores = [await node(), await node()].map((c) => makeAuthStore({ client: c, prefix: "auth2:" }))
    const now = Date.now()
    expect(await stores[0]!.addFailure("user:bob", now, 60_000)).toBe(1)
    expect(await stores[1]!.addFailure("user:bob", now, 60_000)).toBe(2)
    await stores[1]!.lock("user:bob", now + 60_000)
    await stores[0]!.lock("user:bob", now + 1_000) // never shortens a lockout
    expect(await stores[0]!.lockedUntil("user:bob", now)).toBe(now + 60_000)
    await stores[0]!.clear("user:bob")
    expect(await stores[1]!.lockedUntil("user:bob", now)).toBe(0)
    expect(await stores[1]!.addFailure("user:bob", now, 60_000)).toBe(1)
  })

  it("Redis stopped: calls fail within the deadline; the limiter lets the attempt through and reports it", async () => {
    const own = await startRedis()
    const c = client(own.url, 300)
    clients.push(c)
    await ready(c)
    const counter = makeCounter({ client: c, timeoutMillis: 300 })
    const errors: Array<unknown> = []
    const limiter = new Smtp.AuthLimiter({
      maxFailures: 1,
      windowMs: 60_000,
      lockoutMs: 60_000,
      baseDelayMs: 0,
      maxDelayMs: 0,
      store: makeAuthStore({ client: c, timeoutMillis: 300 }),
      onStoreError: (e) => errors.push(e)
    })
    await own.stop()
    const refused = await Promise.resolve(counter.hit("g", ["n"], 1000)).then(
      () => new Error("the counter answered with Redis stopped"),
      (e: unknown) => e
    )
    await limiter.failed("192.0.2.1", "x")
    expect(await limiter.locked("192.0.2.1", "x")).toBe(false)
    expect(errors.length).toBeGreaterThanOrEqual(2)
    // Failing fast: each call was refused at once or ended by our 300 ms deadline.
    expect(endedOtherwise([refused, ...errors], 300)).toEqual([])
  })

  it("the memory counter keeps the same windows (the embedded default)", async () => {
    let now = 1_000
    const m = State.makeMemoryRateCounter({ now: () => now })
    expect(await m.hit("g", ["a", "b"], 100)).toEqual([1, 1])
    expect(await m.hit("g", ["a"], 100)).toEqual([2])
    now += 100
    expect(await m.hit("g", ["a", "b"], 100)).toEqual([1, 1])
  })
})
