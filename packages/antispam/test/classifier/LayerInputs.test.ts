// A model file's logistic layer may weigh only inputs this build computes: the known names come
// from Score.inputs itself, and a model naming any other input is refused as one trained for
// another build (scoring would drop that weight without a word).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS } from "../../src/classifier/FeatureSigns.ts"
import { CHI_INPUTS, firstUnknownInput, isKnownInput } from "../../src/classifier/LayerInputs.ts"
import * as Model from "../../src/classifier/Model.ts"
import { ModelFormatError, parse, serialise } from "../../src/classifier/ModelFile.ts"
import { inputs } from "../../src/classifier/Score.ts"

// Every input the build can set: all chi-square inputs, the token model's margin and every signed feature present.
const computed = [
  ...inputs({ probability: 0.7, spam: 0.8, ham: 0.3, used: 20 }, Object.keys(FEATURE_SIGNS), 1.5).keys()
]
const featureNames = new Set(Object.keys(FEATURE_SIGNS))

// Names no build of this round computes, chosen without asking the code under test.
const unknownName = fc.oneof(
  fc.constantFrom("chi:future", "chi:LOGIT", "feat:", "feat:constructor", "feat:not_a_feature", "__proto__", "bias"),
  fc.string({ maxLength: 12 }).map((s) => `x:${s}`),
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((s) => !featureNames.has(s))
    .map((s) => `feat:${s}`)
)
const weight = fc.double({ min: -5, max: 5, noNaN: true }).map((w) => w + 0)

const fileWith = (entries: ReadonlyArray<readonly [string, number]>): Uint8Array => {
  const m = Model.empty({}, { bias: -1, weights: Object.fromEntries(entries) }, { source: "test" })
  Model.addMessage(m, ["alpha"], "spam")
  // With token weights, so that a layer weighing the margin is a layer over known inputs.
  return serialise({ ...m, discriminative: { weights: new Map([["alpha", 0.5]]) } })
}

describe("logistic layer inputs", () => {
  it("the names Score.inputs sets are exactly the chi-square table, the margin and the signed features", () => {
    expect(computed).toHaveLength(CHI_INPUTS.length + 1 + featureNames.size)
    expect(computed[CHI_INPUTS.length]).toBe("tok:margin")
    expect(computed.every(isKnownInput)).toBe(true)
    expect(computed.slice(0, 5)).toEqual(["chi:logit", "chi:conflict", "chi:spam", "chi:ham", "chi:evidence"])
  })

  test.prop([
    fc.uniqueArray(fc.tuple(fc.constantFrom(...computed), weight), { selector: (e) => e[0], maxLength: 30 }),
    fc.option(fc.tuple(fc.nat(30), unknownName, weight), { nil: undefined })
  ])("parse keeps a layer over known inputs and refuses one naming the first unknown input", (known, extra) => {
    const entries: Array<readonly [string, number]> = [...known]
    if (extra) entries.splice(Math.min(extra[0], entries.length), 0, [extra[1], extra[2]])
    const bytes = fileWith(entries)
    if (!extra) {
      expect(parse(bytes).logistic?.weights).toEqual(Object.fromEntries(entries))
      return
    }
    expect(() => parse(bytes)).toThrow(ModelFormatError)
    expect(() => parse(bytes)).toThrow(`input ${JSON.stringify(extra[1])}`)
    expect(() => parse(bytes)).toThrow(/trained for another build/)
  })

  it("names the first unknown input in the file's order", () => {
    expect(firstUnknownInput({ "chi:logit": 1, "chi:later": 2, "feat:later": 3 })).toBe("chi:later")
    expect(firstUnknownInput({ "chi:logit": 1, "feat:url_shortener": 2 })).toBeUndefined()
  })

  it("a model without a logistic layer still loads; a layer of non-numbers is refused", () => {
    const plain = Model.empty()
    Model.addMessage(plain, ["alpha"], "ham")
    expect(parse(serialise(plain)).logistic).toBeUndefined()
    const [head, ...rest] = Buffer.from(fileWith([["chi:logit", 1]]))
      .toString("utf8")
      .split("\n")
    const header = JSON.parse(head!)
    const withLayer = (layer: unknown) =>
      Buffer.from([JSON.stringify({ ...header, logistic: layer }), ...rest].join("\n"))
    expect(() => parse(withLayer({ bias: -1, weights: { "chi:logit": "1" } }))).toThrow(/bad logistic layer/)
    expect(() => parse(withLayer({ bias: -1, weights: [1] }))).toThrow(/bad logistic layer/)
    expect(() => parse(withLayer(null))).toThrow(/bad logistic layer/)
    expect(() => parse(withLayer("layer"))).toThrow(/bad logistic layer/)
    expect(parse(withLayer({ bias: -1, weights: { "chi:logit": 1 } })).logistic).toEqual({
      bias: -1,
      weights: { "chi:logit": 1 }
    })
  })
})
