import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as Model from "../../src/classifier/Model.ts"
import { makeRedis } from "../../src/classifier/RedisTokenStore.ts"
import { type RedisPeer, startRedis } from "../support/redis.ts"
import { parse, rfc822 } from "./support.ts"

describe("Redis token store (real redis-server)", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it("counts learned by one gateway are seen by another", async () => {
    const a = makeRedis({ url: redis.url, prefix: "t1:" })
    const b = makeRedis({ url: redis.url, prefix: "t1:" })
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

  it("two classifiers sharing Redis: a release learned on one changes the other's verdict", async () => {
    const base = Model.empty()
    for (let i = 0; i < 20; i++) {
      Model.addMessage(base, [`ham${i}`, "common"], "ham")
      Model.addMessage(base, [`spam${i}`, "common"], "spam")
    }
    const one = Classifier.make({ model: base, store: makeRedis({ url: redis.url, prefix: "t2:" }) })
    const two = Classifier.make({ model: base, store: makeRedis({ url: redis.url, prefix: "t2:" }) })
    const text = rfc822({ subject: "newsletter quokka", body: "quokka wombat numbat quokka" })
    try {
      const before = await two.classify(parse(text))
      for (let i = 0; i < 6; i++) await one.learn(parse(text), "ham")
      const after = await two.classify(parse(text))
      expect(after.probability).toBeLessThan(before.probability)
      expect(after.class).toBe("ham")
    } finally {
      await one.store?.close()
      await two.store?.close()
    }
  })

  it("an unreachable Redis fails fast", async () => {
    const s = makeRedis({ url: "redis://127.0.0.1:1", timeoutMillis: 300 })
    const t0 = Date.now()
    await expect(s.lookup(["a"])).rejects.toThrow()
    expect(Date.now() - t0).toBeLessThan(3000)
    await s.close()
  })
})
