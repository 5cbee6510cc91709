import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as ClassifierStage from "../../src/classifier/ClassifierStage.ts"
import { serialise } from "../../src/classifier/ModelFile.ts"
import { classOf } from "../../src/classifier/Score.ts"
import { makeMemory } from "../../src/classifier/TokenStore.ts"
import { GTUBE, tokenize } from "../../src/classifier/Tokenizer.ts"
import { trainTokens } from "../../src/classifier/Train.ts"
import { generated, parse, rfc822 } from "./support.ts"

const corpus = (from: number, n: number) => [
  ...Array.from({ length: n }, (_, i) => ({
    tokens: tokenize(parse(generated("ham", from + i))),
    label: "ham" as const
  })),
  ...Array.from({ length: n }, (_, i) => ({
    tokens: tokenize(parse(generated("spam", from + i))),
    label: "spam" as const
  }))
]

describe("train then classify a generated corpus", () => {
  const model = trainTokens(corpus(0, 60), { folds: 3, minCount: 1 })
  const c = Classifier.make({ model })

  it("classifies unseen generated mail correctly, for both the baseline and the logistic model", async () => {
    const baseline = trainTokens(corpus(0, 60), { folds: 3, minCount: 1, logistic: false })
    for (let i = 100; i < 120; i++) {
      expect((await c.classify(parse(generated("ham", i)))).class).toBe("ham")
      expect((await c.classify(parse(generated("spam", i)))).class).toBe("spam")
      expect(Classifier.classifyWith(baseline, parse(generated("spam", i))).class).toBe("spam")
      expect(Classifier.classifyWith(baseline, parse(generated("ham", i))).class).toBe("ham")
    }
    expect(model.logistic?.weights["chi:logit"]).toBeGreaterThan(0)
  })

  it("keeps its decisions across a serialise/parse round trip", async () => {
    const { parse: parseModel } = await import("../../src/classifier/ModelFile.ts")
    const back = parseModel(serialise(model, { gzip: true }))
    for (let i = 200; i < 205; i++) {
      const m = parse(generated("spam", i))
      expect(Classifier.classifyWith(back, m).probability).toBeCloseTo(
        Classifier.classifyWith(model, m).probability,
        10
      )
    }
  })

  it("is unsure about mail it knows nothing about", async () => {
    const r = await c.classify(parse(rfc822({ subject: "zyx wvu", body: "qqqq rrrr ssss tttt" })))
    expect(r.class).not.toBe("spam")
  })

  it("GTUBE is always spam with probability 1", async () => {
    const m = parse(
      rfc822({ subject: "Re: lunch tomorrow", body: `> quoted\r\n> text\r\nmeeting agenda ${GTUBE} thanks` })
    )
    expect(await c.classify(m)).toMatchObject({ probability: 1, class: "spam", gtube: true })
    expect(Classifier.classifyWith(model, m).class).toBe("spam")
  })

  it("cutoffs split ham / unsure / spam", () => {
    expect(classOf(0.1)).toBe("ham")
    expect(classOf(0.5)).toBe("unsure")
    expect(classOf(0.95)).toBe("spam")
    expect(classOf(0.5, { hamBelow: 0.6, spamAbove: 0.9 })).toBe("ham")
    expect(() => Classifier.make({ model, cutoffs: { hamBelow: 0.9, spamAbove: 0.2 } })).toThrow(/cutoffs/)
  })
})

describe("incremental learning", () => {
  const text = rfc822({ subject: "quarterly zorblax widget", body: "zorblax widget frobnicator offer zorblax" })

  it("learn() into a model moves the probability", async () => {
    const model = trainTokens(corpus(0, 30), { folds: 3, minCount: 1, logistic: false })
    const before = Classifier.classifyWith(model, parse(text)).probability
    for (let i = 0; i < 5; i++) await Classifier.learn(model, parse(text), "spam")
    expect(Classifier.classifyWith(model, parse(text)).probability).toBeGreaterThan(Math.max(before, 0.9))
  })

  it("learn() through a classifier with a store leaves the model untouched", async () => {
    const model = trainTokens(corpus(0, 30), { folds: 3, minCount: 1, logistic: false })
    const size = model.tokens.size
    const store = makeMemory()
    const c = Classifier.make({ model, store })
    for (let i = 0; i < 5; i++) await Classifier.learn(c, parse(text), "ham")
    expect(model.tokens.size).toBe(size)
    expect((await c.classify(parse(text))).class).toBe("ham")
    expect((await store.lookup(["subj:zorblax"])).counts.get("subj:zorblax")).toEqual([5, 0])
  })

  it("a failing store falls back to the model and says so", async () => {
    const model = trainTokens(corpus(0, 30), { folds: 3, minCount: 1 })
    const broken = {
      ...makeMemory(),
      describe: "broken",
      learnedNothing: () => false,
      lookup: () => Promise.reject(new Error("down"))
    }
    const r = await Classifier.make({ model, store: broken }).classify(parse(generated("spam", 77)))
    expect(r.class).toBe("spam")
    expect(r.storeError).toMatch(/down/)
  })
})

describe("classifier stage", () => {
  const model = trainTokens(corpus(0, 40), { folds: 3, minCount: 1 })
  const run = (stage: ReturnType<typeof ClassifierStage.make>, text: string) =>
    Effect.runPromise(stage.run({ phase: "data", message: parse(text), recipients: ["user@example.org"] }))

  it("reports probability and one CLASSIFIER_* symbol", async () => {
    const stage = ClassifierStage.make({ model })
    expect(stage.name).toBe("classifier")
    expect(stage.phase).toBe("data")
    const spam = await run(stage, generated("spam", 300))
    expect(spam.symbols.map((s) => s.name)).toEqual(["CLASSIFIER_SPAM"])
    expect(spam.symbols[0]!.score).toBe(ClassifierStage.ClassifierSymbols.CLASSIFIER_SPAM.weight)
    expect(spam.probability).toBeGreaterThan(0.9)
    const ham = await run(stage, generated("ham", 300))
    expect(ham.symbols.map((s) => s.name)).toEqual(["CLASSIFIER_HAM"])
  })

  it("follows configured cutoffs: a wide band makes the same mail unsure", async () => {
    const stage = ClassifierStage.make({ model, hamBelow: 0, spamAbove: 1 })
    const r = await run(stage, generated("spam", 301))
    expect(r.symbols.map((s) => s.name)).toEqual(["CLASSIFIER_UNSURE"])
  })

  it("GTUBE gives CLASSIFIER_SPAM with probability 1", async () => {
    const r = await run(ClassifierStage.make({ model }), rfc822({ subject: "test", body: GTUBE }))
    expect(r.probability).toBe(1)
    expect(r.symbols[0]!.name).toBe("CLASSIFIER_SPAM")
  })
})
