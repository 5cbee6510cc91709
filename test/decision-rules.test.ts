// bench/decision-rules.mjs: the decision rules bench/classifier-rules.mjs tries on dumped scores
// (round 36 in docs/classifier.md).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script without declarations
import { bareForm, figures, figureText, knownShare, ruleOf, runsOf } from "../bench/decision-rules.mjs"

interface Row {
  readonly run: string
  readonly name: string
  readonly label: "ham" | "spam"
  readonly c: string
  readonly p: number
  readonly chi: number
  readonly used: number
  readonly form: number | undefined
  readonly words?: number
  readonly clueWords?: number
  readonly bias?: number
  readonly weights?: Readonly<Record<string, number>>
  readonly tag?: string
  readonly features?: ReadonlyArray<string>
}
const row = (over: Partial<Row>): Row => ({
  run: "split",
  name: "m",
  label: "spam",
  c: "spam",
  p: 0.94,
  chi: 0.95,
  used: 12,
  form: 0.165,
  ...over
})
const classOf = (name: string, r: Row): string => ruleOf(name)(r)

describe("bench/decision-rules", () => {
  it("plain: the probability's band, whatever the clues and the form", () => {
    expect(classOf("plain", row({ p: 0.1 }))).toBe("ham")
    expect(classOf("plain", row({ p: 0.2 }))).toBe("unsure")
    expect(classOf("plain", row({ p: 0.89 }))).toBe("unsure")
    expect(classOf("plain", row({ p: 0.9 }))).toBe("spam")
    expect(classOf("plain", row({ p: 0.94, used: 1, form: 0.01 }))).toBe("spam")
  })

  it("few:N: a spam verdict on fewer than N clues, the words alone spam and the form ham, is unsure", () => {
    expect(classOf("few:25", row({}))).toBe("unsure")
    expect(classOf("few:25", row({ used: 25 }))).toBe("spam")
    expect(classOf("few:35", row({ used: 34 }))).toBe("unsure")
    expect(classOf("few:25", row({ chi: 0.89 }))).toBe("spam")
    expect(classOf("few:25", row({ form: 0.2 }))).toBe("spam")
    expect(classOf("few:25", row({ p: 0.5 }))).toBe("unsure")
    expect(classOf("few:25", row({ p: 0.1 }))).toBe("ham")
  })

  it("alone:X and near:N:X: a spam verdict the form does not back, below X (and under N clues)", () => {
    expect(classOf("alone:0.95", row({ p: 0.934, used: 300 }))).toBe("unsure")
    expect(classOf("alone:0.95", row({ p: 0.95, used: 300 }))).toBe("spam")
    expect(classOf("alone:0.95", row({ p: 0.934, form: 0.5 }))).toBe("spam")
    expect(classOf("near:35:0.95", row({ p: 0.934, used: 34 }))).toBe("unsure")
    expect(classOf("near:35:0.95", row({ p: 0.934, used: 35 }))).toBe("spam")
    expect(classOf("near:35:0.95", row({ p: 0.96, used: 34 }))).toBe("spam")
  })

  it("backed:X:F: an unsure verdict at X or more whose form is at F or more is spam", () => {
    expect(classOf("backed:0.85:0.5", row({ p: 0.86, form: 0.6 }))).toBe("spam")
    expect(classOf("backed:0.85:0.5", row({ p: 0.84, form: 0.6 }))).toBe("unsure")
    expect(classOf("backed:0.85:0.5", row({ p: 0.86, form: 0.4 }))).toBe("unsure")
    expect(classOf("backed:0.85:0.5", row({ p: 0.86, form: undefined }))).toBe("unsure")
    expect(classOf("backed:0.1:0", row({ p: 0.15, form: 0.9 }))).toBe("ham")
    // A spam verdict stays one; with an unsure part too, that part still applies to it.
    expect(classOf("backed:0.85:0.5", row({ p: 0.95, form: 0.1, used: 3 }))).toBe("spam")
    expect(classOf("few:25+backed:0.85:0.5", row({ p: 0.95, form: 0.1, used: 3 }))).toBe("unsure")
    expect(classOf("few:25+backed:0.85:0.5", row({ p: 0.86, form: 0.6 }))).toBe("spam")
  })

  it("thin:K:X:F: `backed` only for a message of whose words the model knows less than K", () => {
    const thin = row({ c: "unsure", p: 0.86, form: 0.6, words: 100, clueWords: 4 })
    expect(knownShare(thin)).toBe(0.04)
    expect(classOf("thin:0.05:0.85:0.5", thin)).toBe("spam")
    expect(classOf("thin:0.04:0.85:0.5", thin)).toBe("unsure")
    expect(classOf("thin:0.05:0.87:0.5", thin)).toBe("unsure")
    expect(classOf("thin:0.05:0.85:0.7", thin)).toBe("unsure")
    // No word: nothing unknown, share 1; a dump without the counts: no share, never thin.
    expect(knownShare(row({ words: 0, clueWords: 0 }))).toBe(1)
    expect(classOf("thin:1:0.85:0.5", row({ p: 0.86, form: 0.6, words: 0, clueWords: 0 }))).toBe("unsure")
    expect(knownShare(row({}))).toBeUndefined()
    expect(classOf("thin:1:0.85:0.5", row({ p: 0.86, form: 0.6 }))).toBe("unsure")
    expect(classOf("few:25+thin:0.05:0.85:0.5", thin)).toBe("spam")
  })

  it("lean:K:X:F: the cut-off rises from X at no word known to the band's at K", () => {
    const none = row({ c: "unsure", p: 0.86, form: 0.86, words: 100, clueWords: 0 })
    expect(classOf("lean:0.05:0.85:0.5", none)).toBe("spam")
    expect(classOf("lean:0.05:0.85:0.5", { ...none, p: 0.84 })).toBe("unsure")
    // Half of K known: the cut-off is halfway, 0.875.
    const half = row({ c: "unsure", p: 0.88, form: 0.6, words: 200, clueWords: 5 })
    expect(classOf("lean:0.05:0.85:0.5", half)).toBe("spam")
    expect(classOf("lean:0.05:0.85:0.5", { ...half, p: 0.87 })).toBe("unsure")
    expect(classOf("lean:0.05:0.85:0.5", { ...half, form: 0.49 })).toBe("unsure")
    expect(classOf("lean:0.05:0.85:0.5", { ...half, clueWords: 10 })).toBe("unsure")
  })

  it("bare:N:A/B: few:N with the form weighed without the features A, B", () => {
    // The form of html_only alone: sigmoid(-1.6 + 1.2) = 0.40, without it sigmoid(-1.6) = 0.17.
    const layout = row({ form: 0.401, bias: -1.6, weights: { html_only: 1.2 } })
    expect(classOf("few:25", layout)).toBe("spam")
    expect(classOf("bare:25:html_only", layout)).toBe("unsure")
    expect(classOf("bare:25:html_only/html_form", layout)).toBe("unsure")
    expect(classOf("bare:25:html_form", layout)).toBe("spam")
    expect(classOf("bare:25:html_only", { ...layout, used: 25 })).toBe("spam")
    expect(classOf("bare:25:html_only", { ...layout, weights: { html_only: 1.2, url_ip_literal: 2 } })).toBe("spam")
    // No features set aside: the dumped form again; a dump without the terms: never.
    expect(bareForm(layout, new Set())).toBeCloseTo(0.401, 3)
    expect(classOf("bare:25:html_only", row({ form: 0.401 }))).toBe("spam")
    expect(() => ruleOf("bare:25")).toThrow(/no rule/)
  })

  it("lang:N:F: a language other than en and und, under N clues, spam only on the form (round 53)", () => {
    // A form with no feature: the bias's alone.
    const fr = row({ tag: "fr", bias: -1.62, form: 1 / (1 + Math.exp(1.62)) })
    expect(classOf("lang:25:0.9", fr)).toBe("unsure")
    expect(classOf("lang:25:0.9", { ...fr, form: 0.9 })).toBe("spam")
    expect(classOf("lang:25:0.9", { ...fr, tag: "en" })).toBe("spam")
    expect(classOf("lang:25:0.9", { ...fr, tag: "und" })).toBe("spam")
    expect(classOf("lang:25:0.9", { ...fr, used: 25 })).toBe("spam")
    expect(classOf("lang:25:0.9", row({ bias: -1.62 }))).toBe("spam")
    // An unsure verdict: spam on a form at F, else unsure whatever the other parts say.
    expect(classOf("lang:25:0.8", { ...fr, p: 0.6, form: 0.85 })).toBe("spam")
    expect(classOf("lang:25:0.8", { ...fr, p: 0.6, form: 0.75 })).toBe("unsure")
    expect(classOf("backed:0.5:0.5", { ...fr, p: 0.6, form: 0.6 })).toBe("spam")
    expect(classOf("lang:25:0.9+backed:0.5:0.5", { ...fr, p: 0.6, form: 0.6 })).toBe("unsure")
    // A ham verdict stands; with `langham`, only on a form below the bias's alone.
    expect(classOf("lang:25:0.9", { ...fr, p: 0.1 })).toBe("ham")
    expect(classOf("langham:25:0.9", { ...fr, p: 0.1 })).toBe("unsure")
    expect(classOf("langham:25:0.9", { ...fr, p: 0.1, form: 0.05 })).toBe("ham")
    expect(classOf("langham:25:0.9", { ...fr, p: 0.1, form: 0.05, bias: undefined })).toBe("unsure")
    expect(() => ruleOf("lang:25")).toThrow(/no rule/)
  })

  it("tagged: after every other part, a spam verdict on mail to an address tagged for its sender is unsure (round 58)", () => {
    const shop = row({ p: 0.99, used: 80, form: 0.3, features: ["html_only", "to_tagged_for_sender"] })
    expect(classOf("plain", shop)).toBe("spam")
    expect(classOf("tagged", shop)).toBe("unsure")
    expect(classOf("tagged", { ...shop, features: ["to_tagged_for_sender_host"] })).toBe("unsure")
    expect(classOf("tagged", { ...shop, features: ["html_only"] })).toBe("spam")
    expect(classOf("tagged", { ...shop, features: undefined })).toBe("spam")
    // Ham and unsure verdicts stand; a spam verdict another part gives is unsure too.
    expect(classOf("tagged", { ...shop, p: 0.1 })).toBe("ham")
    expect(classOf("tagged", { ...shop, p: 0.5 })).toBe("unsure")
    expect(classOf("backed:0.5:0.2", { ...shop, p: 0.6 })).toBe("spam")
    expect(classOf("backed:0.5:0.2+tagged", { ...shop, p: 0.6 })).toBe("unsure")
    expect(() => ruleOf("tagged:1")).toThrow()
  })

  it("A+B: unsure when either part holds", () => {
    const few = row({ p: 0.99, used: 12 })
    const near = row({ p: 0.934, used: 34, chi: 0.98 })
    expect(classOf("few:25+near:35:0.95", few)).toBe("unsure")
    expect(classOf("few:25+near:35:0.95", near)).toBe("unsure")
    expect(classOf("few:25", near)).toBe("spam")
    expect(classOf("near:35:0.95", few)).toBe("spam")
  })

  it("a dump without the form's probability (a build before round 30) is never against the form", () => {
    expect(classOf("few:25", row({ form: undefined }))).toBe("spam")
    expect(classOf("alone:0.99", row({ form: undefined }))).toBe("spam")
  })

  it("refuses a rule it does not know, or one with the wrong numbers", () => {
    for (const name of [
      "",
      "foo",
      "few",
      "few:x",
      "near:35",
      "alone:0.9:1",
      "plain:1",
      "backed:0.8",
      "thin:0.05:0.8",
      "lean:0.05",
      "constructor",
      "few:25+"
    ])
      expect(() => ruleOf(name), name).toThrow(/no rule/)
  })

  it("counts a run's false positives, recall and unsure; a CV's folds are one run", () => {
    const rows = [
      row({ run: "CV fold 0", label: "ham", c: "spam", p: 0.95 }),
      row({ run: "CV fold 1", label: "ham", c: "ham", p: 0.05 }),
      row({ run: "CV fold 1", label: "spam", c: "spam", p: 0.99, used: 80 }),
      row({ run: "CV fold 2", label: "spam", c: "unsure", p: 0.5 }),
      row({ run: "split", label: "spam", c: "spam", p: 0.99 })
    ]
    const runs = runsOf(rows)
    expect([...runs.keys()]).toEqual(["CV (all folds)", "split"])
    const cv = runs.get("CV (all folds)")
    expect(figures(cv, (r: Row) => r.c)).toEqual({
      falsePositives: 1,
      caught: 1,
      unsure: 1,
      recall: 50,
      unsureRate: 25
    })
    expect(figureText(figures(cv, ruleOf("plain")))).toBe("1 / 50.00 / 25.00")
    // The ham at 0.95 has 12 clues against its form: few:25 makes it unsure.
    expect(figureText(figures(cv, ruleOf("few:25")))).toBe("0 / 50.00 / 50.00")
  })

  const rows = fc.record({
    run: fc.string(),
    name: fc.string(),
    label: fc.constantFrom("ham" as const, "spam" as const),
    c: fc.constantFrom("ham", "unsure", "spam"),
    p: fc.double({ min: 0, max: 1, noNaN: true }),
    chi: fc.double({ min: 0, max: 1, noNaN: true }),
    used: fc.integer({ min: 0, max: 200 }),
    form: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    words: fc.integer({ min: 0, max: 300 }),
    clueWords: fc.integer({ min: 0, max: 300 })
  })
  const part = fc.oneof(
    fc.constant("plain"),
    fc.integer({ min: 0, max: 100 }).map((n) => `few:${n}`),
    fc.double({ min: 0, max: 1, noNaN: true }).map((x) => `alone:${x}`),
    fc
      .tuple(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([n, x]) => `near:${n}:${x}`)
  )
  const names = fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => p.join("+"))
  const backed = fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([x, f]) => `backed:${x}:${f}`)
  const thin = fc
    .tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true })
    )
    .map(([k, x, f]) => `thin:${k}:${x}:${f}`)

  test.prop([names, rows])("a rule without `backed` only ever moves the band's spam verdict to unsure", (name, r) => {
    const band = classOf("plain", r)
    const c = classOf(name, r)
    expect(c === band || (band === "spam" && c === "unsure")).toBe(true)
  })

  test.prop([
    fc.integer({ min: 0, max: 100 }),
    names,
    rows,
    fc.constantFrom("en", "und", "fr", "Hani", undefined),
    fc.double({ min: -4, max: 0, noNaN: true })
  ])(
    "`lang` gives the band's verdict or unsure, or spam for an unsure one, whatever the other parts",
    (n, name, r, tag, bias) => {
      const tagged = { ...r, tag, bias }
      const band = classOf("plain", tagged)
      for (const part of [`lang:${n}:0.9`, `langham:${n}:0.9`]) {
        const c = classOf(`${part}+${name}`, tagged)
        expect(c === band || c === "unsure" || (band === "unsure" && c === "spam")).toBe(true)
      }
      // Never promoting (F above 1), only the band's verdict or unsure.
      expect([band, "unsure"]).toContain(classOf(`lang:${n}:2+${name}`, tagged))
    }
  )

  test.prop([names, backed, rows])("`backed` only ever moves the band's unsure verdict to spam", (name, b, r) => {
    const band = classOf("plain", r)
    const c = classOf(`${name}+${b}`, r)
    const without = classOf(name, r)
    expect(c === without || (band === "unsure" && c === "spam")).toBe(true)
  })

  test.prop([names, thin, rows])(
    "`thin` moves what `backed` with its X and F would, and only below its share",
    (name, t, r) => {
      const [, k, x, f] = t.split(":")
      const c = classOf(`${name}+${t}`, r)
      const share = knownShare(r)
      expect(c).toBe(share < Number(k) ? classOf(`${name}+backed:${x}:${f}`, r) : classOf(name, r))
    }
  )

  test.prop([fc.string(), fc.array(rows, { maxLength: 20 })])("never throws past the name's check", (name, rs) => {
    let rule: ((r: Row) => string) | undefined
    try {
      rule = ruleOf(name)
    } catch (e) {
      expect(String(e)).toMatch(/no rule/)
      return
    }
    const f = figures(rs, rule)
    expect(f.falsePositives + f.caught + f.unsure).toBeLessThanOrEqual(rs.length)
    expect(runsOf(rs).size).toBeLessThanOrEqual(rs.length)
  })
})
