// The layer's sum taken straight from the chi-square result and the features (`logitOf`)
// against the sum over the named-input map it replaced (`logit(layer, inputs(...))`): the same
// terms in the same order, so the same double, bit for bit.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { FEATURE_SIGNS } from "../../src/classifier/FeatureSigns.ts"
import { CHI_INPUTS, MARGIN_INPUT } from "../../src/classifier/LayerInputs.ts"
import { inputs, logit, logitOf } from "../../src/classifier/Score.ts"

const signed = Object.keys(FEATURE_SIGNS)
// Signed features, names the layer does not read (an own-key trap included), in any order.
const featureName = fc.constantFrom(...signed, "constructor", "not_a_feature", "__proto__")
const names = [...CHI_INPUTS.map(([n]) => n), MARGIN_INPUT, ...signed.map((f) => `feat:${f}`), "feat:constructor"]
// Ordinary weights (quotients with rounding in them, where the order of a sum shows), edge values, any double.
const ordinary = fc
  .tuple(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 997 }))
  .map(([a, b]) => a / b)
const weight = fc.oneof(
  { arbitrary: ordinary, weight: 4 },
  fc.constantFrom(0, -0, 1e-300, 3.7),
  fc.double({ noNaN: true, min: -50, max: 50 })
)
// Every input weighed (so that a term added out of order or not filtered shows), or some.
const layer = fc.record({
  bias: weight,
  weights: fc.oneof(
    fc.tuple(...names.map(() => weight)).map((ws) => Object.fromEntries(names.map((n, i) => [n, ws[i]!]))),
    fc.dictionary(fc.constantFrom(...names), weight, { maxKeys: names.length })
  )
})
const unit = fc.oneof(
  fc.integer({ min: 0, max: 997 }).map((n) => n / 997),
  fc.double({ min: 0, max: 1, noNaN: true })
)
const chi = fc.record({ probability: unit, spam: unit, ham: unit, used: fc.nat(400) })

describe("the layer's sum without the input map", () => {
  test.prop([
    layer,
    chi,
    fc.uniqueArray(featureName, { maxLength: 30 }),
    fc.option(fc.oneof(ordinary, fc.double({ noNaN: true })), { nil: undefined, freq: 2 })
  ])("logitOf is logit over inputs, bit for bit", (l, c, features, margin) => {
    expect(Object.is(logitOf(l, c, features, margin), logit(l, inputs(c, features, margin)))).toBe(true)
  })
})
