import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { chi2Q, combine, defaultChiOptions } from "../../src/classifier/Chi2.ts"
import * as Model from "../../src/classifier/Model.ts"
import { ModelFormatError, parse, serialise } from "../../src/classifier/ModelFile.ts"

const token = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\t\r\n]/.test(s))
const modelArb = fc
  .record({
    nham: fc.nat(100_000),
    nspam: fc.nat(100_000),
    tokens: fc.uniqueArray(fc.tuple(token, fc.nat(10_000), fc.nat(10_000)), { selector: (t) => t[0], maxLength: 200 }),
    bias: fc.double({ min: -5, max: 5, noNaN: true }),
    w: fc.double({ min: -5, max: 5, noNaN: true })
  })
  .map((r) => {
    // JSON has no -0; the file format stores weights as JSON numbers.
    const m = Model.empty({}, { bias: r.bias + 0, weights: { "chi:logit": r.w + 0 } }, { source: "test" })
    m.nham = r.nham
    m.nspam = r.nspam
    for (const [t, h, s] of r.tokens) if (h + s > 0) m.tokens.set(t, [h, s])
    return m
  })

describe("model file", () => {
  test.prop([modelArb, fc.boolean()])("serialise -> parse round trips (plain and gzip)", (m, gzip) => {
    const back = parse(serialise(m, { gzip }))
    expect(back.nham).toBe(m.nham)
    expect(back.nspam).toBe(m.nspam)
    expect(back.options).toEqual(m.options)
    expect(back.logistic).toEqual(m.logistic)
    expect(back.meta).toEqual(m.meta)
    expect(new Map(back.tokens)).toEqual(new Map(m.tokens))
  })

  test.prop([fc.uint8Array({ maxLength: 2000 })])(
    "parse never throws anything but ModelFormatError on arbitrary bytes",
    (bytes) => {
      try {
        parse(bytes)
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError)
      }
    }
  )

  it("a file written before minClues existed reads as minClues 0 (its clue lists combined as they were)", () => {
    const m = Model.empty({ minClues: 7 })
    Model.addMessage(m, ["alpha"], "spam")
    expect(parse(serialise(m)).options.minClues).toBe(7)
    const [head, ...rest] = Buffer.from(serialise(m)).toString("utf8").split("\n")
    const header = JSON.parse(head!)
    delete header.options.minClues
    const old = parse(Buffer.from([JSON.stringify(header), ...rest].join("\n")))
    expect(old.options.minClues).toBe(0)
    expect(old.options.s).toBe(m.options.s)
  })

  it("refuses a truncated or altered table", () => {
    const m = Model.empty()
    Model.addMessage(m, ["alpha", "beta", "gamma"], "spam")
    Model.addMessage(m, ["alpha", "delta"], "ham")
    const bytes = Buffer.from(serialise(m))
    expect(() => parse(bytes.subarray(0, bytes.length - 3))).toThrow(/checksum/)
    const altered = Buffer.from(bytes)
    altered[altered.length - 2] = "9".charCodeAt(0)
    expect(() => parse(altered)).toThrow(ModelFormatError)
    const gz = Buffer.from(serialise(m, { gzip: true }))
    expect(() => parse(gz.subarray(0, gz.length - 8))).toThrow(ModelFormatError)
  })

  it("refuses another format or version", () => {
    expect(() => parse(Buffer.from('{"format":"other","version":1}\n'))).toThrow(/format/)
    expect(() => parse(Buffer.from('{"format":"mailmoat-classifier","version":99}\n'))).toThrow(/version 99/)
  })

  it("addMessage counts distinct tokens and can forget", () => {
    const m = Model.empty()
    Model.addMessage(m, ["a", "a", "b"], "spam")
    expect(m.tokens.get("a")).toEqual([0, 1])
    Model.addMessage(m, ["a", "b"], "spam", -1)
    expect(m.tokens.size).toBe(0)
    expect(m.nspam).toBe(0)
  })
})

describe("chi-square combining", () => {
  it("chi2Q matches known values", () => {
    expect(chi2Q(0, 2)).toBeCloseTo(1, 10)
    expect(chi2Q(2, 2)).toBeCloseTo(Math.exp(-1), 10)
    expect(chi2Q(10, 4)).toBeCloseTo(Math.exp(-5) * (1 + 5), 10)
  })

  test.prop([fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { maxLength: 400 })])(
    "probability stays in [0,1] and is symmetric",
    (ps) => {
      const a = combine(ps, defaultChiOptions)
      const b = combine(
        ps.map((p) => 1 - p),
        defaultChiOptions
      )
      expect(a.probability).toBeGreaterThanOrEqual(0)
      expect(a.probability).toBeLessThanOrEqual(1)
      expect(a.used).toBeLessThanOrEqual(defaultChiOptions.maxTokens)
      expect(a.probability + b.probability).toBeCloseTo(1, 6)
    }
  )

  it("fewer clues than minClues are padded with neutral ones: a lone clue is a weak verdict", () => {
    const plain = { ...defaultChiOptions, minClues: 0 }
    const padded = { ...defaultChiOptions, minClues: 5 }
    expect(combine([0.97], plain).probability).toBeCloseTo(0.97, 2)
    expect(combine([0.97], padded).probability).toBeCloseTo(0.8, 1)
    expect(combine([0.03], padded).probability).toBeCloseTo(0.2, 1)
    expect(combine([0.97], padded).used).toBe(1)
    // Five clues or more: nothing changes.
    const five = [0.99, 0.97, 0.95, 0.9, 0.2]
    expect(combine(five, padded).probability).toBeCloseTo(combine(five, plain).probability, 10)
    expect(combine([], padded).probability).toBe(0.5)
  })

  it("conflicting strong evidence is unsure, agreeing evidence is decisive", () => {
    expect(combine([0.99, 0.99, 0.99, 0.01, 0.01, 0.01], defaultChiOptions).probability).toBeCloseTo(0.5, 3)
    expect(combine([0.99, 0.98, 0.97, 0.95], defaultChiOptions).probability).toBeGreaterThan(0.9)
  })
})
