// Learned counts change a score exactly as the lookup-then-score path does, whether the store
// is embedded or Redis (real redis-server), and a store that knows it learned nothing lets the
// classifier score the tokenizer's set alone with the same result, bit for bit.
import { RedisConnection, RedisTokenStore } from "@mailmoat/redis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Classifier from "../../src/classifier/Classifier.ts"
import { loadModel, shippedModelPath } from "../../src/classifier/index.ts"
import type { Model } from "../../src/classifier/Model.ts"
import { score } from "../../src/classifier/Score.ts"
import { makeMemory, type TokenStore } from "../../src/classifier/TokenStore.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { trainTokens } from "../../src/classifier/Train.ts"
import { type RedisPeer, startRedis } from "../support/redis.ts"
import { generated, parse } from "./support.ts"

const trained = (): Model =>
  trainTokens(
    Array.from({ length: 40 }, (_, i) => ({
      tokens: tokenize(parse(generated(i % 2 === 0 ? "ham" : "spam", i))),
      label: i % 2 === 0 ? ("ham" as const) : ("spam" as const)
    })),
    { folds: 3, minCount: 1 }
  )

const messages = Array.from({ length: 12 }, (_, i) => generated(i % 3 === 0 ? "ham" : "spam", 300 + i))

/** What `classify` computed before a store could answer without a lookup: tokens, lookup, score. */
const before = async (model: Model, store: TokenStore, text: string) => {
  const tokens = tokenize(parse(text))
  const s = score(model, tokens, await store.lookup(tokens.tokens))
  return { probability: s.probability, chi: s.chi, features: s.features, clues: s.clues }
}

const now = async (model: Model, store: TokenStore, text: string) => {
  const c = await Classifier.make({ model, store }).classify(parse(text))
  expect(c.storeError).toBeUndefined()
  return { probability: c.probability, chi: c.score!.chi, features: c.score!.features, clues: c.score!.clues }
}

/** Every message scores as before; returns the probabilities for comparing states. */
const sameAsBefore = async (model: Model, store: TokenStore): Promise<Array<number>> => {
  const out: Array<number> = []
  for (const text of messages) {
    const got = await now(model, store, text)
    expect(got).toEqual(await before(model, store, text))
    out.push(got.probability)
  }
  return out
}

describe("learned counts in the embedded store", () => {
  for (const [name, model] of [
    ["a trained model", trained()],
    ["the shipped model", loadModel(shippedModelPath())]
  ] as const) {
    it(`${name}: fresh, learned, unlearned down to stray counts, emptied again`, async () => {
      const store = makeMemory()
      expect(store.learnedNothing?.()).toBe(true)
      const fresh = await sameAsBefore(model, store)
      expect(fresh).toEqual(messages.map((t) => Classifier.classifyWith(model, parse(t)).probability))

      const learned = Classifier.make({ model, store })
      for (const t of messages.slice(0, 4)) await learned.learn(parse(t), "ham")
      expect(store.learnedNothing?.()).toBe(false)
      const afterLearning = await sameAsBefore(model, store)
      expect(afterLearning).not.toEqual(fresh)

      // Totals back at 0 while some token counts remain: still learned, still looked up.
      const lesser = tokenize(parse(messages[5]!)).tokens
      await store.add(tokenize(parse(messages[0]!)).tokens, "ham", -1)
      await store.add(tokenize(parse(messages[1]!)).tokens, "ham", -1)
      await store.add(tokenize(parse(messages[2]!)).tokens, "ham", -1)
      await store.add(lesser, "ham", -1)
      const stray = await store.lookup(tokenize(parse(messages[3]!)).tokens)
      expect(stray.nham + stray.nspam).toBe(0)
      expect(stray.counts.size).toBeGreaterThan(0)
      expect(store.learnedNothing?.()).toBe(false)
      await sameAsBefore(model, store)

      // Every count removed: nothing learned again, and the model alone decides.
      await store.add(tokenize(parse(messages[3]!)).tokens, "ham", -1)
      for (const t of messages.slice(0, 4)) await store.add(tokenize(parse(t)).tokens, "ham", -1)
      expect((await store.lookup(tokenize(parse(messages[3]!)).tokens)).counts.size).toBe(0)
      expect(store.learnedNothing?.()).toBe(true)
      expect(await sameAsBefore(model, store)).toEqual(fresh)
    })
  }
})

describe("learned counts in Redis (real redis-server)", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it("scores as before, fresh and after learning, and learning moves the scores", async () => {
    const model = trained()
    const store = RedisTokenStore.make(RedisConnection.make({ url: redis.url, keyPrefix: "learned:" }))
    try {
      expect(store.learnedNothing).toBeUndefined()
      const fresh = await sameAsBefore(model, store)
      expect(fresh).toEqual(messages.map((t) => Classifier.classifyWith(model, parse(t)).probability))
      const learned = Classifier.make({ model, store })
      for (const t of messages.slice(0, 4)) await learned.learn(parse(t), "spam")
      const afterLearning = await sameAsBefore(model, store)
      expect(afterLearning).not.toEqual(fresh)
    } finally {
      await store.close()
    }
  })
})
