// The shared DNS answer cache against a real redis-server: two "nodes" (each its own resolver,
// local cache and Redis client) in front of a real rbldnsd that counts the queries it gets.
import { Dns } from "@mailmoat/core"
import { NodeDns } from "@mailmoat/platform-node"
import { Effect } from "effect"
import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"
import { type Rbldnsd, startRbldnsd } from "../../core/test/dns/support/rbldnsd.ts"
import { decodeOutcome, make as makeShared } from "../src/RedisDnsCacheStore.ts"
import { client, endedOtherwise, ready } from "./support/client.ts"

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("shared DNS answer cache (real redis-server, real rbldnsd)", () => {
  let redis: RedisPeer
  let dnsd: Rbldnsd
  const clients: Array<Redis> = []
  beforeAll(async () => {
    redis = await startRedis()
    // bl.test: 127.0.0.2 listed with TTL 60 (rbldnsd -t 60); huge.test: a hostile TTL of ~68 years.
    dnsd = await startRbldnsd([
      { zone: "bl.test", type: "ip4set", data: ":127.0.0.2:listed\n127.0.0.2\n192.0.2.9\n" },
      { zone: "huge.test", type: "ip4set", data: "$TTL 2147483647\n:127.0.0.2:listed\n192.0.2.10\n" }
    ])
  })
  afterAll(async () => {
    for (const c of clients) c.disconnect()
    await dnsd?.stop()
    await redis?.stop()
  })

  const node = async (options: { maxTtlSeconds?: number; negativeTtlSeconds?: number; prefix?: string } = {}) => {
    const c = client(redis.url)
    clients.push(c)
    await ready(c)
    const errors: Array<unknown> = []
    const store = Dns.makeLayeredStore(
      Dns.makeMemoryStore(),
      makeShared({ client: c, prefix: options.prefix ?? "t:", onError: (e) => errors.push(e) })
    )
    const dns = Dns.withCache(NodeDns.makeUncached({ servers: [dnsd.server] }), {
      store,
      maxTtlSeconds: options.maxTtlSeconds,
      negativeTtlSeconds: options.negativeTtlSeconds
    })
    return {
      dns,
      client: c,
      errors,
      lookup: (name: string) => Effect.runPromise(Effect.result(dns.resolve("A", name)))
    }
  }

  it("a node's positive and negative answers serve the other node without a query", async () => {
    const a = await node({ prefix: "share:" })
    const b = await node({ prefix: "share:" })
    dnsd.resetQueries()
    const listedA = await a.lookup("9.2.0.192.bl.test")
    const missA = await a.lookup("1.1.0.192.bl.test")
    expect(listedA._tag).toBe("Success")
    expect(missA._tag === "Failure" && missA.failure.reason).toBe("NotFound")
    expect(await dnsd.settledQueries()).toHaveLength(2)
    dnsd.resetQueries()
    const listedB = await b.lookup("9.2.0.192.bl.test")
    const missB = await b.lookup("1.1.0.192.bl.test")
    expect(listedB._tag === "Success" && listedB.success.records).toEqual(["127.0.0.2"])
    expect(listedB._tag === "Success" && listedB.success.ttlSeconds).toBeLessThanOrEqual(60)
    expect(missB._tag === "Failure" && missB.failure.reason).toBe("NotFound")
    expect(await dnsd.settledQueries()).toEqual([])
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it("an answer past its TTL is asked again, once for the fleet", async () => {
    // a's answers live 1 s; b's 60 s, far longer than the two lookups that must fall in it take
    // at any load (with 1 s for both, a slow second read found the answer gone and asked again).
    const a = await node({ prefix: "ttl:", maxTtlSeconds: 1, negativeTtlSeconds: 1 })
    const b = await node({ prefix: "ttl:", maxTtlSeconds: 60 })
    dnsd.resetQueries()
    await a.lookup("9.2.0.192.bl.test")
    const asked = Date.now()
    expect(await dnsd.settledQueries()).toHaveLength(1)
    const key = "ttl:dns:A:9.2.0.192.bl.test"
    expect(await a.client.pttl(key)).toBeLessThanOrEqual(1000)
    // Past its TTL in Redis (its clock) and in a's local copy (stored before `asked`, for 1 s).
    while ((await a.client.exists(key)) === 1) await sleep(50)
    while (Date.now() <= asked + 1000) await sleep(50)
    dnsd.resetQueries()
    await b.lookup("9.2.0.192.bl.test")
    await a.lookup("9.2.0.192.bl.test")
    expect(await dnsd.settledQueries()).toEqual(["9.2.0.192.bl.test A"])
  })

  it("a hostile TTL is capped in Redis and in the local copy", async () => {
    const a = await node({ prefix: "cap:", maxTtlSeconds: 2 })
    dnsd.resetQueries()
    const first = await a.lookup("10.2.0.192.huge.test")
    expect(first._tag).toBe("Success")
    const pttl = await a.client.pttl("cap:dns:A:10.2.0.192.huge.test")
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(2000)
    await sleep(2200)
    await a.lookup("10.2.0.192.huge.test")
    expect(await dnsd.settledQueries()).toHaveLength(2)
  })

  it("Redis stopped: lookups go to DNS (never a verdict), the failure is reported, within the deadline", async () => {
    const own = await startRedis()
    const c = client(own.url, 300)
    clients.push(c)
    await ready(c)
    const errors: Array<unknown> = []
    const store = Dns.makeLayeredStore(
      Dns.makeMemoryStore(),
      makeShared({ client: c, prefix: "down:", timeoutMillis: 300, onError: (e) => errors.push(e) })
    )
    const dns = Dns.withCache(NodeDns.makeUncached({ servers: [dnsd.server] }), { store })
    await own.stop()
    dnsd.resetQueries()
    const answer = await Effect.runPromise(dns.resolve("A", "9.2.0.192.bl.test"))
    expect(answer.records).toEqual(["127.0.0.2"])
    expect(await dnsd.settledQueries()).toEqual(["9.2.0.192.bl.test A"])
    expect(errors.length).toBeGreaterThan(0)
    // Within the deadline: each Redis call was refused at once or ended by our 300 ms deadline.
    expect(endedOtherwise(errors, 300)).toEqual([])
  })

  it("a stored value that is not an outcome reads as not cached", () => {
    expect(decodeOutcome("{")).toBeUndefined()
    expect(decodeOutcome('{"_tag":"Answer","answer":{"records":[],"ttlSeconds":5}}')).toBeUndefined()
    expect(decodeOutcome('{"_tag":"Answer","answer":{"records":[1],"ttlSeconds":5}}')).toBeUndefined()
    expect(decodeOutcome('{"_tag":"NotFound"}')).toEqual({ _tag: "NotFound", detail: undefined })
    expect(decodeOutcome('{"_tag":"Answer","answer":{"records":["127.0.0.2"],"ttlSeconds":5}}')?._tag).toBe("Answer")
  })
})
