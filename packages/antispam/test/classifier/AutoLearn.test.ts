// Auto-learning's gate, class balance and hourly cap, and the stage's candidates on a memory store.
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { balanced, gate, makeCap, wordFreeProbability } from "../../src/classifier/AutoLearn.ts"
import * as AutoLearner from "../../src/classifier/AutoLearner.ts"
import * as Classifier from "../../src/classifier/Classifier.ts"
import { make as makeStage } from "../../src/classifier/ClassifierStage.ts"
import * as Model from "../../src/classifier/Model.ts"
import type { ClassName } from "../../src/classifier/Score.ts"
import { makeMemory } from "../../src/classifier/TokenStore.ts"
import { parse, rfc822 } from "./support.ts"

const settings = { spamAbove: 0.9, hamBelow: 0.1, maxPerHour: 1000 }

/** A model whose words are decisive (chi:logit) and whose layer knows two spam traits and one ham trait. */
const layered = (): Model.Model => {
  const m = Model.empty(
    {},
    {
      bias: -1,
      weights: { "chi:logit": 1.5, "feat:url_ip_literal": 5, "feat:html_only": 1, "feat:quoted_reply": -3 }
    }
  )
  for (let i = 0; i < 30; i++) {
    Model.addMessage(m, ["viagra", "casino", "winner", `s${i}`], "spam")
    Model.addMessage(m, ["meeting", "agenda", "kernel", `h${i}`], "ham")
  }
  return m
}

const FEATURES = ["url_ip_literal", "html_only", "quoted_reply", "date_missing"]

describe("the gate", () => {
  test.prop([
    fc.constantFrom<ClassName>("ham", "unsure", "spam"),
    fc.subarray(FEATURES),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true })
  ])("learns only what the word-free evidence decides and the verdict agrees with", (cls, features, a, b) => {
    const model = layered()
    const s = { spamAbove: Math.max(a, b), hamBelow: Math.min(a, b), maxPerHour: 1 }
    const g = gate(model, { class: cls, features }, s)
    const wordFree = wordFreeProbability(model, features)!
    const expected =
      cls === "spam" && wordFree >= s.spamAbove ? "spam" : cls === "ham" && wordFree < s.hamBelow ? "ham" : undefined
    expect("learn" in g ? g.learn : undefined).toBe(expected)
  })

  it("never learns a message whose word-free evidence is not decisive, however sure its words are", async () => {
    const model = layered()
    const classifier = Classifier.make({ model, store: makeMemory() })
    const c = await classifier.classify(parse(rfc822({ subject: "viagra casino", body: "viagra casino winner" })))
    expect(c.class).toBe("spam")
    expect(c.probability).toBeGreaterThan(0.95)
    const g = gate(model, { class: c.class, features: c.score?.features }, settings)
    expect(g).toMatchObject({ skip: expect.stringMatching(/word-free evidence 0\.269 below 0\.9/) })
  })

  it("never learns GTUBE, an unsure verdict, or with a model without a layer", () => {
    const plain = Model.empty()
    expect(gate(layered(), { class: "spam", gtube: true, features: ["url_ip_literal"] }, settings)).toEqual({
      skip: "GTUBE test message"
    })
    expect(gate(layered(), { class: "unsure", features: ["url_ip_literal"] }, settings)).toEqual({
      skip: "verdict unsure"
    })
    expect(gate(plain, { class: "spam", features: ["url_ip_literal"] }, settings)).toEqual({
      skip: "model has no layer"
    })
  })
})

describe("the class balance and the hourly cap", () => {
  it("keeps learned totals within the model's ratio, with a slack to start", () => {
    const model = { nham: 200, nspam: 100 }
    // Spam may reach half the learned ham plus 10; ham twice the learned spam plus 10.
    expect(balanced(model, { nham: 0, nspam: 9 }, "spam")).toBe(true)
    expect(balanced(model, { nham: 0, nspam: 10 }, "spam")).toBe(false)
    expect(balanced(model, { nham: 40, nspam: 29 }, "spam")).toBe(true)
    expect(balanced(model, { nham: 40, nspam: 30 }, "spam")).toBe(false)
    expect(balanced(model, { nham: 49, nspam: 20 }, "ham")).toBe(true)
    expect(balanced(model, { nham: 50, nspam: 20 }, "ham")).toBe(false)
    expect(balanced(model, { nham: 0, nspam: 1000 }, "spam", Number.POSITIVE_INFINITY)).toBe(true)
  })

  it("a cap holds per class and clock hour", () => {
    let now = Date.UTC(2026, 11, 6, 20, 0, 0)
    const cap = makeCap(3, () => now)
    expect([1, 2, 3, 4].map(() => cap.take("spam"))).toEqual([true, true, true, false])
    expect(cap.room("spam")).toBe(false)
    expect(cap.take("ham")).toBe(true)
    now += 59 * 60_000
    expect(cap.take("spam")).toBe(false)
    now += 60_000
    expect(cap.spent()).toEqual({ ham: 0, spam: 0 })
    expect(cap.take("spam")).toBe(true)
  })
})

describe("the stage's candidates", () => {
  const spamText = (i: number) =>
    rfc822({ subject: `offer ${i}`, body: `cheap pills http://192.0.2.${i}/buy now number ${i}` })

  const run = async (stage: ReturnType<typeof makeStage>, text: string) =>
    (await Effect.runPromise(stage.run({ phase: "data", message: parse(text), recipients: ["user@example.org"] }))) as {
      facts?: Record<string, unknown>
    }

  it("offers a decisive spam, learns it once into the store, and the cap holds", async () => {
    const store = makeMemory()
    const classifier = Classifier.make({ model: layered(), store })
    const learner = AutoLearner.make({ classifier, settings: { ...settings, maxPerHour: 2 } })
    const stage = makeStage({ model: classifier, autolearn: learner })
    const notes: Array<string> = []
    for (let i = 1; i <= 4; i++) {
      const r = await run(stage, spamText(i))
      const candidate = r.facts?.autolearn as AutoLearner.Candidate | undefined
      if (i <= 2) expect(candidate).toMatchObject({ label: "spam" })
      if (candidate === undefined) continue
      notes.push(await candidate.learn())
      // A second call is the first one's: a message is learned once.
      notes.push(await candidate.learn())
    }
    expect(notes.filter((n) => n.startsWith("auto-learned as spam"))).toHaveLength(4)
    const learned = await store.lookup(["cheap"])
    expect(learned.nspam).toBe(2)
    expect(learned.counts.get("cheap")).toEqual([0, 2])
    expect(learner.status()).toMatchObject({ learned: { ham: 0, spam: 2 }, thisHour: { spam: 2 } })
  })

  it("two processes sharing one store learn at most the cap between them in an hour", async () => {
    const store = makeMemory()
    let clock = Date.UTC(2026, 11, 7, 10, 0, 0)
    const learners = [0, 1].map(() => {
      const classifier = Classifier.make({ model: layered(), store })
      const learner = AutoLearner.make({ classifier, settings: { ...settings, maxPerHour: 2 }, now: () => clock })
      return { learner, stage: makeStage({ model: classifier, autolearn: learner }) }
    })
    const learnOne = async (i: number) => {
      const { stage } = learners[i % 2]!
      const candidate = (await run(stage, spamText(i))).facts?.autolearn as AutoLearner.Candidate | undefined
      return candidate === undefined ? "no candidate" : candidate.learn()
    }
    const notes = [await learnOne(1), await learnOne(2), await learnOne(3), await learnOne(4)]
    // Each process alone has room for two; the store's slots are spent after the first two.
    expect(notes.slice(0, 2).every((n) => n.startsWith("auto-learned as spam"))).toBe(true)
    expect(notes.slice(2)).toEqual([
      "not learned: the hour's 2 spam messages are learned by the processes sharing memory",
      "not learned: the hour's 2 spam messages are learned by the processes sharing memory"
    ])
    expect((await store.lookup([])).nspam).toBe(2)
    expect(learners.map((l) => l.learner.status().learned.spam)).toEqual([1, 1])
    // The next clock hour has fresh slots.
    clock += 3_600_000
    expect(await learnOne(5)).toMatch(/^auto-learned as spam/)
  })

  it("a message whose features say nothing decisive gets no candidate", async () => {
    const classifier = Classifier.make({ model: layered(), store: makeMemory() })
    const learner = AutoLearner.make({ classifier, settings })
    const stage = makeStage({ model: classifier, autolearn: learner })
    const r = await run(stage, rfc822({ subject: "viagra casino", body: "viagra casino winner" }))
    expect(r.facts?.class).toBe("spam")
    expect(r.facts?.autolearn).toBeUndefined()
  })
})
