import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { chi2Q, combine, defaultChiOptions } from "../../src/classifier/Chi2.ts"
import * as Model from "../../src/classifier/Model.ts"
import { createHash } from "node:crypto"
import { MAX_WEIGHT, ModelFormatError, parse, serialise } from "../../src/classifier/ModelFile.ts"

const token = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\t\r\n]/.test(s))
const modelArb = fc
  .record({
    nham: fc.nat(100_000),
    nspam: fc.nat(100_000),
    tokens: fc.uniqueArray(fc.tuple(token, fc.nat(10_000), fc.nat(10_000)), { selector: (t) => t[0], maxLength: 200 }),
    bias: fc.double({ min: -5, max: 5, noNaN: true }),
    w: fc.double({ min: -5, max: 5, noNaN: true }),
    // Token weights: none (a model without the discriminative model), or per token one or none.
    weights: fc.option(
      fc.array(fc.option(fc.double({ min: -MAX_WEIGHT, max: MAX_WEIGHT, noNaN: true }), { nil: undefined }), {
        maxLength: 200
      }),
      { nil: undefined }
    )
  })
  .map((r) => {
    // JSON has no -0; the file format stores weights as JSON numbers, token weights as JavaScript writes them.
    const m = Model.empty({}, { bias: r.bias + 0, weights: { "chi:logit": r.w + 0 } }, { source: "test" })
    m.nham = r.nham
    m.nspam = r.nspam
    for (const [t, h, s] of r.tokens) if (h + s > 0) m.tokens.set(t, [h, s])
    if (r.weights === undefined) return m
    const weights = new Map<string, number>()
    ;[...m.tokens.keys()].forEach((t, i) => {
      const w = r.weights![i]
      if (w !== undefined) weights.set(t, w + 0)
    })
    return { ...m, discriminative: { weights } }
  })

/** A version 2 file with this header and table text (the checksum made to match). */
const fileOf = (header: Record<string, unknown>, table: string): Buffer =>
  Buffer.from(
    `${JSON.stringify({ ...header, sha256: createHash("sha256").update(table, "utf8").digest("hex") })}\n${table}`
  )
const header2 = (tokens: number, extra: Record<string, unknown> = {}) => ({
  format: "mailmoat-classifier",
  version: 2,
  nham: 1,
  nspam: 1,
  tokens,
  options: { s: 0.45, x: 0.5, minDev: 0.1, maxTokens: 150, minClues: 3 },
  meta: {},
  ...extra
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
    expect(back.discriminative === undefined).toBe(m.discriminative === undefined)
    expect(new Map(back.discriminative?.weights)).toEqual(new Map(m.discriminative?.weights))
  })

  test.prop([
    fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })), {
      maxLength: 20
    }),
    fc.option(fc.oneof(fc.double(), fc.nat(30), fc.string({ maxLength: 8 }), fc.constant(null)), { nil: undefined })
  ])(
    "a checksummed table with arbitrary lines and header: a model with bounded weights, or ModelFormatError",
    (lines, count) => {
      const table = lines.map(([t, c, w]) => `${t}\t${c}\t1\t${w}\n`).join("")
      const bytes = fileOf(
        header2(lines.length, count === undefined ? {} : { discriminative: { weights: count } }),
        table
      )
      try {
        const m = parse(bytes)
        for (const w of m.discriminative?.weights.values() ?? []) expect(Math.abs(w)).toBeLessThanOrEqual(MAX_WEIGHT)
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError)
      }
    }
  )

  it("writes version 1 without token weights (older builds read it) and version 2 with them", () => {
    const m = Model.empty()
    Model.addMessage(m, ["alpha"], "spam")
    const plain = Buffer.from(serialise(m)).toString("utf8")
    expect(JSON.parse(plain.split("\n")[0]!).version).toBe(1)
    expect(plain.split("\n")[1]).toBe("alpha\t0\t1")
    const weighted = Buffer.from(serialise({ ...m, discriminative: { weights: new Map([["alpha", 0.75]]) } })).toString(
      "utf8"
    )
    expect(JSON.parse(weighted.split("\n")[0]!)).toMatchObject({ version: 2, discriminative: { weights: 1 } })
    expect(weighted.split("\n")[1]).toBe("alpha\t0\t1\t0.75")
  })

  it("reads a version 1 file (no weight column) as a model without token weights", () => {
    const v1 = fileOf({ ...header2(2), version: 1 }, "alpha\t0\t3\nbeta\t2\t0\n")
    const m = parse(v1)
    expect(m.discriminative).toBeUndefined()
    expect(m.tokens.get("alpha")).toEqual([0, 3])
    expect(() => parse(fileOf({ ...header2(1), version: 1 }, "alpha\t0\t3\t0.5\n"))).toThrow(/bad table line 1/)
  })

  it("refuses hostile or inconsistent token weights, naming what is wrong", () => {
    const ok = fileOf(header2(1, { discriminative: { weights: 1 } }), "alpha\t0\t3\t-0.25\n")
    expect(parse(ok).discriminative?.weights.get("alpha")).toBe(-0.25)
    for (const w of ["NaN", "Infinity", "1e309", "1001", "0x10", " 1", "1.50", "-0"])
      expect(() => parse(fileOf(header2(1, { discriminative: { weights: 1 } }), `alpha\t0\t3\t${w}\n`))).toThrow(
        /bad weight on table line 1/
      )
    expect(() => parse(fileOf(header2(1), "alpha\t0\t3\t0.5\n"))).toThrow(
      /1 token weights, the discriminative header says none/
    )
    expect(() => parse(fileOf(header2(1, { discriminative: { weights: 2 } }), "alpha\t0\t3\t0.5\n"))).toThrow(/says 2/)
    for (const weights of [null, "1", -1, 0.5, [1]])
      expect(() => parse(fileOf(header2(1, { discriminative: { weights } }), "alpha\t0\t3\t\n"))).toThrow(
        /bad discriminative header/
      )
    expect(() => parse(fileOf({ ...header2(1), version: 1, discriminative: { weights: 0 } }, "alpha\t0\t3\n"))).toThrow(
      /bad discriminative header/
    )
    expect(() => parse(fileOf(header2(2, { discriminative: { weights: 2 } }), "a\t0\t3\t1\na\t1\t0\t1\n"))).toThrow(
      /repeats/
    )
    const layer = { logistic: { bias: -1, weights: { "chi:logit": 1, "tok:margin": 0.5 } } }
    expect(() => parse(fileOf(header2(1, layer), "alpha\t0\t3\t\n"))).toThrow(/no token weights/)
    expect(
      parse(fileOf(header2(1, { ...layer, discriminative: { weights: 1 } }), "alpha\t0\t3\t1\n")).logistic
    ).toEqual(layer.logistic)
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
    expect(() => parse(Buffer.from('{"format":"mailmoat-classifier","version":99}\n'))).toThrow(
      /version 99 is not supported \(this build reads 1 and 2\)/
    )
    expect(() => parse(Buffer.from('{"format":"mailmoat-classifier","version":3}\n'))).toThrow(/version 3/)
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
