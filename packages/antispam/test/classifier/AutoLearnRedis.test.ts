// Auto-learning shared through Redis (real redis-server): what one gateway learns on its own
// verdicts reaches another gateway's classifier, within the class balance the store's totals set.
import { RedisConnection, RedisTokenStore } from "@mailmoat/redis"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as AutoLearner from "../../src/classifier/AutoLearner.ts"
import * as Classifier from "../../src/classifier/Classifier.ts"
import { make as makeStage } from "../../src/classifier/ClassifierStage.ts"
import * as Model from "../../src/classifier/Model.ts"
import { type RedisPeer, startRedis } from "../support/redis.ts"
import { parse, rfc822 } from "./support.ts"

const store = (url: string, prefix: string) => RedisTokenStore.make(RedisConnection.make({ url, keyPrefix: prefix }))

const layered = (): Model.Model => {
  const m = Model.empty({}, { bias: -1, weights: { "chi:logit": 1.5, "feat:url_ip_literal": 5 } })
  for (let i = 0; i < 30; i++) {
    Model.addMessage(m, ["meeting", "agenda", `h${i}`], "ham")
    Model.addMessage(m, ["casino", "winner", `s${i}`], "spam")
  }
  return m
}

describe("auto-learning through Redis (real redis-server)", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it("a spam learned by one gateway's verdict moves the other's verdict on the campaign's words", async () => {
    const model = layered()
    const one = Classifier.make({ model, store: store(redis.url, "al1:") })
    const two = Classifier.make({ model, store: store(redis.url, "al1:") })
    const learner = AutoLearner.make({ classifier: one, settings: { spamAbove: 0.9, hamBelow: 0.1, maxPerHour: 100 } })
    const stage = makeStage({ model: one, autolearn: learner })
    // The campaign's words without its trait: unknown to the model, so unsure or ham at first.
    const plain = parse(rfc822({ subject: "zorbex tablets", body: "zorbex tablets quivalo discount zorbex" }))
    try {
      const before = await two.classify(plain)
      expect(before.class).not.toBe("spam")
      const notes: Array<string> = []
      for (let i = 1; i <= 5; i++) {
        const text = rfc822({ subject: "zorbex tablets", body: `zorbex tablets quivalo discount http://192.0.2.${i}/` })
        const message = parse(text)
        const r = (await Effect.runPromise(
          stage.run({ phase: "data", message, recipients: ["user@example.org"] })
        )) as { facts?: { autolearn?: AutoLearner.Candidate } }
        const candidate = r.facts?.autolearn
        if (candidate) notes.push(await candidate.learn())
      }
      // The balance: the store learned no ham, so spam stops at the slack's count (10 > 5 here).
      expect(notes).toHaveLength(5)
      expect(notes.every((n) => n.startsWith("auto-learned as spam"))).toBe(true)
      expect((await two.store!.lookup(["zorbex"])).counts.get("zorbex")).toEqual([0, 5])
      const after = await two.classify(plain)
      expect(after.probability).toBeGreaterThan(before.probability)
      expect(after.class).toBe("spam")
    } finally {
      await one.store?.close()
      await two.store?.close()
    }
  })

  it("Redis gone: learning fails with a note, never a throw, and counts nothing", async () => {
    const gone = await startRedis()
    const model = layered()
    const classifier = Classifier.make({ model, store: store(gone.url, "al2:") })
    const learner = AutoLearner.make({ classifier, settings: { spamAbove: 0.9, hamBelow: 0.1, maxPerHour: 100 } })
    try {
      const message = parse(rfc822({ subject: "x", body: "buy http://192.0.2.9/" }))
      const c = await classifier.classify(message)
      const candidate = learner.offer(message, c)
      expect(candidate?.label).toBe("spam")
      await gone.stop()
      const note = await candidate!.learn()
      expect(note).toMatch(/^auto-learning failed: /)
      expect(learner.status()).toMatchObject({ learned: { spam: 0 }, failed: 1 })
    } finally {
      await classifier.store?.close()
    }
  })
})
