// Learning shared through Redis: what one gateway's classifier learns changes another's verdict.
import { RedisConnection, RedisTokenStore } from "@mailmoat/redis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as Model from "../../src/classifier/Model.ts"
import { type RedisPeer, startRedis } from "../support/redis.ts"
import { parse, rfc822 } from "./support.ts"

const makeRedis = (o: { url: string; prefix: string }) =>
  RedisTokenStore.make(RedisConnection.make({ url: o.url, keyPrefix: o.prefix }))

describe("classifier learning shared through Redis (real redis-server)", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
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
})
