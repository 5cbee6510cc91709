// The Redis token store against a real redis-server: counts shared between clients, fail fast.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"
import { RedisConnection, RedisTokenStore } from "../src/index.ts"

const makeRedis = (o: RedisConnection.RedisConnectionOptions) => RedisTokenStore.make(RedisConnection.make(o))

describe("Redis token store (real redis-server)", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it("counts learned by one gateway are seen by another", async () => {
    const a = makeRedis({ url: redis.url, keyPrefix: "t1:" })
    const b = makeRedis({ url: redis.url, keyPrefix: "t1:" })
    try {
      await a.add(["x", "y", "x"], "spam", 1)
      await b.add(["x"], "ham", 1)
      const seen = await b.lookup(["x", "y", "z"])
      expect(seen.nspam).toBe(1)
      expect(seen.nham).toBe(1)
      expect(seen.counts.get("x")).toEqual([1, 1])
      expect(seen.counts.get("y")).toEqual([0, 1])
      expect(seen.counts.has("z")).toBe(false)
      await a.add(["y"], "spam", -1)
      expect((await a.lookup(["y"])).counts.has("y")).toBe(false)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it("auto-learning's hourly slots are the fleet's: two gateways take at most the cap between them", async () => {
    const a = makeRedis({ url: redis.url, keyPrefix: "t2:" })
    const b = makeRedis({ url: redis.url, keyPrefix: "t2:" })
    try {
      const hour = 493_000
      const taken = [
        await a.takeLearnSlot!("spam", hour, 3),
        await b.takeLearnSlot!("spam", hour, 3),
        await a.takeLearnSlot!("spam", hour, 3),
        await b.takeLearnSlot!("spam", hour, 3),
        await a.takeLearnSlot!("spam", hour, 3)
      ]
      expect(taken).toEqual([true, true, true, false, false])
      // Each class and each hour counts on its own.
      expect(await b.takeLearnSlot!("ham", hour, 3)).toBe(true)
      expect(await b.takeLearnSlot!("spam", hour + 1, 3)).toBe(true)
      // The counter expires: it never piles up keys for past hours.
      const probe = RedisConnection.make({ url: redis.url })
      const ttl = await probe.call("reading the TTL", (c) => c.ttl(`{t2:classifier}:slots:spam:${hour}`))
      await probe.close()
      expect(ttl).toBeGreaterThan(3600)
      expect(ttl).toBeLessThanOrEqual(7200)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it("an unreachable Redis fails fast", async () => {
    const s = makeRedis({ url: "redis://127.0.0.1:1", connectTimeoutMillis: 300, commandTimeoutMillis: 300 })
    // Ended by our wait for a connection (never a hang on a command): what ended it, not a
    // wall-clock bound, which a stall of this loaded process fails.
    await expect(s.lookup(["a"])).rejects.toThrow(/reading learned counts: not connected/)
    await s.close()
  })
})
