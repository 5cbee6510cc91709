// Padded spam twins for the logistic layer's samples: which tokens pad, how the twin is built,
// and that stacking adds one twin per spam message, weighted and scored as documented.
import { describe, expect, it } from "vitest"
import { paddedTokens, TWIN_WEIGHT, wordTokens } from "../../src/classifier/Augment.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { type LabelledTokens, stackedSamples } from "../../src/classifier/Train.ts"
import { generated, parse } from "./support.ts"

const corpus: Array<LabelledTokens> = Array.from({ length: 60 }, (_, i) => {
  const label = i % 2 === 0 ? ("ham" as const) : ("spam" as const)
  return { tokens: tokenize(parse(generated(label, i))), label }
})

describe("padded twins", () => {
  it("pads with word tokens only, never header, URL or feature tokens", () => {
    expect(wordTokens(["meeting", "feat:html_only", "from:dom:example.org", "url:count:1", "agenda"])).toEqual([
      "meeting",
      "agenda"
    ])
  })

  it("a twin is the spam's tokens plus one pool message's, chosen by position; none without a pool", () => {
    const pool = [["alpha"], ["beta"], ["gamma"]]
    expect(paddedTokens(["cheap", "alpha"], 0, pool)).toEqual(["cheap", "alpha"])
    expect(paddedTokens(["cheap"], 1, pool)).toEqual(["cheap", pool[7919 % 3]![0]])
    expect(paddedTokens(["cheap"], 1, pool)).toEqual(paddedTokens(["cheap"], 1, pool))
    expect(paddedTokens(["cheap"], 1, [])).toBeUndefined()
  })

  it("stacking adds one twin per spam message, with its weight, the original's evidence and tokens leaning to ham", () => {
    const plain = stackedSamples(corpus, 3, undefined, [0], 0)
    const withTwins = stackedSamples(corpus, 3, undefined, [0], 0.05)
    const spam = corpus.filter((c) => c.label === "spam").length
    expect(withTwins.length - plain.length).toBe(spam)
    const twins = withTwins.filter((s) => s.weight === 0.05)
    expect(twins).toHaveLength(spam)
    for (const t of twins) expect(t.y).toBe(1)
    // Samples come per message in order: original, twin, shift sample.
    let lower = 0
    for (let i = 0; i < withTwins.length; i++) {
      if (withTwins[i]!.weight !== 0.05) continue
      const original = withTwins[i - 1]!
      expect(withTwins[i]!.x.get("chi:evidence")).toBe(original.x.get("chi:evidence"))
      if (withTwins[i]!.x.get("chi:logit")! < original.x.get("chi:logit")!) lower++
    }
    // Ham words pull the token evidence of most twins towards ham.
    expect(lower).toBeGreaterThan(spam / 2)
  })

  it("without a weight given, each spam's twin weighs TWIN_WEIGHT, the weight round 16 measured", () => {
    expect(TWIN_WEIGHT).toBe(0.2)
    const samples = stackedSamples(corpus, 3, undefined, [0])
    const spam = corpus.filter((c) => c.label === "spam").length
    expect(samples.filter((s) => s.weight === TWIN_WEIGHT)).toHaveLength(spam)
  })
})
