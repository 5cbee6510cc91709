// Round 56's combinations (TraitsTogether.ts): `bulk_header_and_body` is named when a message's
// header block shows a bulk tool's hand (a padded subject here) and its body a template's padding
// or spacing, on synthetic mail through the whole tokenizer and on the rule itself; either side
// alone never names it; the rule never throws and reads nothing but the names it is given.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { BULK_BODY, BULK_HEADER, TOGETHER, togetherFeatures } from "../../src/classifier/TraitsTogether.ts"
import { parse, rfc822 } from "./support.ts"

const PADDED_SUBJECT = "Lowest Rates Available.                    gjannsxrwg"
const spacedOffer = [
  "Home Mortgage Rates have DROPPED!",
  "       ",
  "Fill out our FREE form and find out how much you can save.",
  "       ",
  "Visit our website:",
  "       ",
  "http://www.example.com/"
].join("\r\n")
const features = (subject: string, body: string) => tokenize(parse(rfc822({ subject, body }))).features

describe("bulk_header_and_body", () => {
  it("a padded subject over a body spaced by a bulk template, through the tokenizer", () => {
    const f = features(PADDED_SUBJECT, spacedOffer)
    expect(f).toEqual(expect.arrayContaining(["subject_padding", "text_blank_spacing", "bulk_header_and_body"]))
    expect(tokenize(parse(rfc822({ subject: PADDED_SUBJECT, body: spacedOffer }))).tokens).toContain(
      "feat:bulk_header_and_body"
    )
  })

  it("a padded subject over a body ending in a random tail", () => {
    const f = features(PADDED_SUBJECT, "Rates are down this week.\r\nCall us today.\r\n\r\n4139vOLW7-758DoDY1425FRhM1")
    expect(f).toEqual(expect.arrayContaining(["subject_padding", "bulk_header_and_body"]))
  })

  it("not for either alone", () => {
    expect(features("Lowest Rates Available", spacedOffer)).not.toContain("bulk_header_and_body")
    expect(features(PADDED_SUBJECT, "Hello Bob,\r\n\r\nthe minutes are attached.\r\n")).not.toContain(
      "bulk_header_and_body"
    )
  })

  it("the rule: one trait of the header's group and one of the body's", () => {
    for (const header of BULK_HEADER)
      for (const body of BULK_BODY) expect(togetherFeatures(new Set([header, body]))).toEqual(["bulk_header_and_body"])
    expect(togetherFeatures(new Set(BULK_HEADER))).toEqual([])
    expect(togetherFeatures(new Set(BULK_BODY))).toEqual([])
    // Traits that ham carry too are in neither group.
    expect(togetherFeatures(new Set(["subject_padding", "html_only", "text_shouted_links"]))).toEqual([])
    expect(togetherFeatures(new Set(["return_path_other_domain", "text_blank_spacing"]))).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.bulk_header_and_body).toBe(1)
    expect(LATE_STAGES).toContainEqual(["bulk_header_and_body"])
  })

  it("every rule's traits are features the layer signs, and its name one too", () => {
    for (const rule of TOGETHER) {
      expect(FEATURE_SIGNS[rule.name]).toBe(1)
      for (const f of rule.groups.flat()) expect(FEATURE_SIGNS[f]).toBe(1)
    }
  })
})

const names = fc.constantFrom(...BULK_HEADER, ...BULK_BODY, "html_only", "quoted_reply", "url_ip_literal")

describe("togetherFeatures, properties", () => {
  test.prop([fc.array(fc.string(), { maxLength: 40 })])("never throws on any names", (xs) => {
    expect(Array.isArray(togetherFeatures(new Set(xs)))).toBe(true)
  })

  test.prop([fc.array(names, { maxLength: 8 })])("named exactly when both sides hold", (xs) => {
    const set = new Set(xs)
    const expected = BULK_HEADER.some((h) => set.has(h)) && BULK_BODY.some((b) => set.has(b))
    expect(togetherFeatures(set).includes("bulk_header_and_body")).toBe(expected)
  })

  test.prop([fc.array(names, { maxLength: 8 }), names])("adding a trait never takes a combination away", (xs, x) => {
    const before = togetherFeatures(new Set(xs))
    const after = togetherFeatures(new Set([...xs, x]))
    for (const f of before) expect(after).toContain(f)
  })
})
