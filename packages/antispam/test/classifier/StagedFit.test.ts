// Staged fitting of the logistic layer through training: a feature fitted late moves the score of
// no message that lacks it, while a joint fit moves every message's score through the bias.
import { describe, expect, it } from "vitest"
import { LATE_INPUT_STAGES, LATE_INPUTS } from "../../src/classifier/FeatureSigns.ts"
import { score } from "../../src/classifier/Score.ts"
import type { Tokens } from "../../src/classifier/Tokenizer.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { type LabelledTokens, stackedSamples, trainTokens } from "../../src/classifier/Train.ts"
import { generated, parse } from "./support.ts"

const FEATURE = "message_id_forged_outlook"
const INPUT = `feat:${FEATURE}`
const FEATURE_2 = "removal_free_mail"
const INPUT_2 = `feat:${FEATURE_2}`

const plain: Array<LabelledTokens> = Array.from({ length: 48 }, (_, i) => {
  const label = i % 3 === 0 ? ("spam" as const) : ("ham" as const)
  const t = tokenize(parse(generated(label, i)))
  return {
    label,
    tokens: {
      tokens: t.tokens.filter((x) => x !== INPUT && x !== INPUT_2),
      features: t.features.filter((f) => f !== FEATURE && f !== FEATURE_2)
    }
  }
})

const withFeature = (t: Tokens): Tokens => ({
  tokens: [...t.tokens, INPUT],
  features: [...t.features, FEATURE].sort()
})

// The same corpus with the feature set on every other spam, as a trait that marks part of the spam.
const marked: Array<LabelledTokens> = plain.map((it, i) =>
  it.label === "spam" && i % 2 === 0 ? { ...it, tokens: withFeature(it.tokens) } : it
)
const carriers = marked.filter((it) => it.tokens.features.includes(FEATURE))

const options = { folds: 3, shift: [0.1, 0] }

describe("staged fitting in training", () => {
  it("the corpus has carriers of the feature and messages without it", () => {
    expect(carriers.length).toBeGreaterThan(3)
    expect(marked.length - carriers.length).toBeGreaterThan(30)
  })

  it("fitted late, the feature leaves the bias, every other weight and every other message's score as without it", () => {
    const without = trainTokens(plain, { ...options, lateInputs: [] })
    const staged = trainTokens(marked, { ...options, lateInputs: [INPUT] })
    expect(staged.logistic!.bias).toBe(without.logistic!.bias)
    for (const [name, w] of Object.entries(staged.logistic!.weights))
      if (name !== INPUT) expect(w, name).toBe(without.logistic!.weights[name])
    expect(staged.logistic!.weights[INPUT]!).toBeGreaterThan(0)
    for (const it of marked.filter((m) => !m.tokens.features.includes(FEATURE)))
      expect(score(staged, it.tokens).probability).toBe(score(without, it.tokens).probability)
    // The carriers gain: their score with the feature is above the one without it.
    for (const it of carriers) {
      const bare = plain[marked.indexOf(it)]!
      expect(score(staged, it.tokens).probability).toBeGreaterThanOrEqual(score(without, bare.tokens).probability)
    }
    expect(staged.meta?.lateInputs).toBe(INPUT)
  })

  it("fitted jointly, the same feature moves the bias", () => {
    const without = trainTokens(plain, { ...options, lateInputs: [] })
    const joint = trainTokens(marked, { ...options, lateInputs: [] })
    expect(joint.logistic!.bias).not.toBe(without.logistic!.bias)
    expect(joint.meta?.lateInputs).toBeUndefined()
  })

  it("a carrier's first-stage samples are the samples of the message without the feature", () => {
    const first = stackedSamples(marked, 3, undefined, [0], 0.2, false, [[INPUT]])
    const bare = stackedSamples(plain, 3, undefined, [0], 0.2, false, [[INPUT]])
    expect(first).toHaveLength(bare.length)
    first.forEach((s, i) => {
      expect(s.stageInputs?.[0] ?? s.x).toEqual(bare[i]!.x)
      if (s.stageInputs) expect(s.x.get(INPUT)).toBe(1)
    })
    expect(first.some((s) => s.stageInputs !== undefined)).toBe(true)
  })

  it("the shipped build fits the forged Outlook Message-ID late, each round's features in a stage of their own", () => {
    expect(LATE_INPUTS).toContain(INPUT)
    expect(LATE_INPUT_STAGES[0]).toContain(INPUT)
    expect(LATE_INPUT_STAGES.length).toBeGreaterThan(1)
    expect(LATE_INPUT_STAGES.flat()).toEqual(LATE_INPUTS)
  })

  // A second late feature set on half of the first one's carriers (as a trait of a later round
  // that marks much the same spam) and on a few spam of its own.
  const twice: Array<LabelledTokens> = marked.map((it, i) =>
    it.label === "spam" && (i % 4 === 0 || i % 9 === 3)
      ? {
          ...it,
          tokens: { tokens: [...it.tokens.tokens, INPUT_2], features: [...it.tokens.features, FEATURE_2].sort() }
        }
      : it
  )

  it("a later stage leaves the bias, every weight before it and every score without its feature as before", () => {
    expect(twice.filter((it) => it.tokens.features.includes(FEATURE_2)).length).toBeGreaterThan(3)
    const before = trainTokens(marked, { ...options, lateStages: [[INPUT]] })
    const staged = trainTokens(twice, { ...options, lateStages: [[INPUT], [INPUT_2]] })
    expect(staged.logistic!.bias).toBe(before.logistic!.bias)
    for (const [name, w] of Object.entries(staged.logistic!.weights))
      if (name !== INPUT_2) expect(w, name).toBe(before.logistic!.weights[name])
    expect(staged.logistic!.weights[INPUT_2]!).toBeGreaterThan(0)
    for (const it of twice.filter((m) => !m.tokens.features.includes(FEATURE_2)))
      expect(score(staged, it.tokens).probability).toBe(score(before, it.tokens).probability)
    expect(staged.meta?.lateInputs).toBe(`${INPUT}/${INPUT_2}`)
  })

  it("in one late stage with the earlier feature, the later one moves that feature's weight", () => {
    const before = trainTokens(marked, { ...options, lateStages: [[INPUT]] })
    const shared = trainTokens(twice, { ...options, lateStages: [[INPUT, INPUT_2]] })
    expect(shared.logistic!.bias).toBe(before.logistic!.bias)
    expect(shared.logistic!.weights[INPUT]).not.toBe(before.logistic!.weights[INPUT])
  })

  it("a carrier's samples for each earlier stage are those of the message without the later features", () => {
    const staged = stackedSamples(twice, 3, undefined, [0], 0.2, false, [[INPUT], [INPUT_2]])
    const first = stackedSamples(marked, 3, undefined, [0], 0.2, false, [[INPUT]])
    const bare = stackedSamples(plain, 3, undefined, [0], 0.2, false, [])
    staged.forEach((s, i) => {
      expect(s.stageInputs?.[0] ?? s.x).toEqual(bare[i]!.x)
      expect(s.stageInputs?.[1] ?? s.x).toEqual(first[i]!.x)
    })
    expect(staged.some((s) => s.stageInputs?.length === 2)).toBe(true)
  })
})
