// The classifier stage with the model alone (no store, or one that learned nothing) answers with a
// finished effect, equal to what the stage gives when it waits for `classify`'s promise; with a
// store to ask it still waits, with the same result as before. A data phase whose stages all
// answer at once (here the classifier alone) then finishes as it started.
import { Engine, Envelope, Facts, type Message, MessageModel, type Stage, type StageResult } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import * as Classifier from "../../src/classifier/Classifier.ts"
import * as ClassifierStage from "../../src/classifier/ClassifierStage.ts"
import { loadModel, shippedModelPath } from "../../src/classifier/index.ts"
import { makeMemory, type TokenStore } from "../../src/classifier/TokenStore.ts"
import { GTUBE, tokenize } from "../../src/classifier/Tokenizer.ts"
import { trainTokens } from "../../src/classifier/Train.ts"
import { generated, parse, rfc822 } from "./support.ts"

const trained = trainTokens(
  Array.from({ length: 40 }, (_, i) => ({
    tokens: tokenize(parse(generated(i % 2 === 0 ? "ham" : "spam", i))),
    label: i % 2 === 0 ? ("ham" as const) : ("spam" as const)
  })),
  { folds: 3, minCount: 1 }
)
const shipped = loadModel(shippedModelPath())

const textOf = (kind: "ham" | "spam" | "gtube", i: number) =>
  kind === "gtube" ? rfc822({ subject: `test ${i}`, body: `x ${GTUBE} y` }) : generated(kind, 500 + i)
const inputOf = (message: Message) => ({
  phase: "data" as const,
  message,
  recipients: ["user@example.org"],
  facts: Facts.make()
})

/** The same classifier, made to answer by promise only: the stage as it was, waiting for `classify`. */
const waiting = (c: Classifier.Classifier): Classifier.Classifier => ({ ...c, classifyNow: (m) => c.classify(m) })

const resultOf = (stage: Stage, message: Message): Promise<StageResult> =>
  Effect.runPromise(stage.run(inputOf(message)))

const learnedSome = async (): Promise<TokenStore> => {
  const store = makeMemory()
  await store.add(tokenize(parse(generated("ham", 7))).tokens, "ham", 1)
  return store
}

describe("the classifier stage at once", () => {
  test.prop(
    [
      fc.constantFrom("ham", "spam", "gtube"),
      fc.nat(200),
      fc.constantFrom("trained", "shipped"),
      fc.constantFrom("none", "empty")
    ],
    { numRuns: 60 }
  )("the model alone: a finished effect, equal to the waiting stage's result", async (kind, i, which, store) => {
    const c = Classifier.make({
      model: which === "trained" ? trained : shipped,
      store: store === "none" ? undefined : makeMemory()
    })
    const stage = ClassifierStage.make({ model: c })
    const run = stage.run(inputOf(parse(textOf(kind, i))))
    expect(Exit.isExit(run) && Exit.isSuccess(run)).toBe(true)
    const now = (run as Exit.Success<StageResult, never>).value
    expect(now).toEqual(await resultOf(ClassifierStage.make({ model: waiting(c) }), parse(textOf(kind, i))))
  })

  test("a store that learned something is asked: the stage waits, with the result of before", async () => {
    const store = await learnedSome()
    const c = Classifier.make({ model: trained, store })
    const stage = ClassifierStage.make({ model: c })
    for (let i = 0; i < 6; i++) {
      const text = textOf(i % 2 === 0 ? "ham" : "spam", i)
      expect(Exit.isExit(stage.run(inputOf(parse(text))))).toBe(false)
      const got = await resultOf(stage, parse(text))
      expect(got).toEqual(await resultOf(ClassifierStage.make({ model: waiting(c) }), parse(text)))
      expect(got.facts?.["storeError"]).toBeUndefined()
    }
  })

  test("a failing store: the stage waits and the model alone decides, noted", async () => {
    const broken: TokenStore = {
      ...makeMemory(),
      describe: "broken",
      learnedNothing: () => false,
      lookup: () => Promise.reject(new Error("down"))
    }
    const stage = ClassifierStage.make({ model: Classifier.make({ model: trained, store: broken }) })
    const run = stage.run(inputOf(parse(generated("spam", 77))))
    expect(Exit.isExit(run)).toBe(false)
    const r = await Effect.runPromise(run)
    expect(r.facts?.["storeError"]).toMatch(/broken.*down/)
    expect(r.symbols.map((s) => s.name)).toEqual(["CLASSIFIER_SPAM"])
  })

  test("outside the data phase: nothing, at once", () => {
    const stage = ClassifierStage.make({ model: trained })
    const run = stage.run({ phase: "mail", envelope: parse(generated("ham", 1)).envelope, facts: Facts.make() })
    expect(Exit.isExit(run) && Exit.isSuccess(run)).toBe(true)
  })

  test("a data phase of the classifier alone finishes as it started, with the waiting stage's outcome", async () => {
    const bytes = new TextEncoder().encode(generated("spam", 901))
    const envelope = Envelope.make({
      clientAddress: "192.0.2.1",
      helo: "mail.example.net",
      mailFrom: "a@example.net",
      rcptTo: ["user@example.org"]
    })
    const message = () => MessageModel.fromBytes(bytes, { envelope })
    const c = Classifier.make({ model: shipped, store: makeMemory() })
    const now = await Effect.runPromise(Engine.make({ stages: [ClassifierStage.make({ model: c })] }))
    const before = await Effect.runPromise(Engine.make({ stages: [ClassifierStage.make({ model: waiting(c) })] }))
    const fiber = Effect.runFork(now.data(message()))
    const done = fiber.pollUnsafe()
    expect(done).toBeDefined()
    expect(Effect.runFork(before.data(message())).pollUnsafe()).toBeUndefined()
    const timeless = (v: unknown) =>
      JSON.parse(JSON.stringify(v, (k, x) => (k === "millis" || k === "startedAt" ? undefined : x)))
    expect(timeless(Exit.isSuccess(done!) ? done.value : undefined)).toEqual(
      timeless(await Effect.runPromise(before.data(message())))
    )
  })
})
