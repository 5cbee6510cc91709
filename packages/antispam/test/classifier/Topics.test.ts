// Topic evidence: two different phrases of one topic's list in the Subject and text, through the
// tokenizer and on the scan itself; one phrase (or one phrase many times) and the mail companies
// write to their customers never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS } from "../../src/classifier/FeatureSigns.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { TOPICS, topicsOf } from "../../src/classifier/Topics.ts"
import { parse, rfc822 } from "./support.ts"

const features = (subject: string, body: string, html = false) =>
  tokenize(parse(rfc822({ subject, body, html }))).features

describe("topics", () => {
  it("each topic's offer, as feature and token", () => {
    const offers: Array<[string, string, string]> = [
      [
        "topic_advance_fee",
        "Confidential proposal",
        "I am a barrister. My late client left US$ 25,500,000 and no next of kin."
      ],
      ["topic_diploma", "Diplomas", "Get university diplomas from non-accredited schools. No one is turned down."],
      ["topic_loan", "Loans", "Bad credit? No credit check needed, lenders compete for you."],
      ["topic_pharmacy", "Meds", "V1agra and Xanax with no prescription needed, no doctor visit."],
      ["topic_stock_promotion", "Hot stock", "This OTCBB stock symbol ABCD is ready to explode."],
      ["topic_unsolicited", "Offer", "This message is sent in compliance with S. 1618 Title III. This is not spam."]
    ]
    for (const [topic, subject, body] of offers) {
      const t = tokenize(parse(rfc822({ subject, body })))
      expect(t.features).toContain(topic)
      expect(t.tokens).toContain(`feat:${topic}`)
    }
    expect(features("Free", "<html><body><p>Bad credit?</p><p>No credit check!</p></body></html>", true)).toContain(
      "topic_loan"
    )
  })

  it("one phrase, or one phrase many times, is no topic", () => {
    expect(topicsOf("", "bad credit")).toEqual([])
    expect(topicsOf("bad credit", "bad credit, BAD CREDIT, bad   credit")).toEqual([])
    expect(topicsOf("", "herbal viagra")).toEqual([])
    expect(topicsOf("", "Viagra, Cialis and Valium")).toEqual([])
  })

  it("not for what companies write to their customers", () => {
    for (const [subject, body] of <Array<[string, string]>>[
      ["Your order", "Your order of Viagra 50mg is on its way in discreet packaging, overnight delivery."],
      ["Refill", "Your online pharmacy refill of Valium and Ambien is ready."],
      ["Research", "We rate ACME a strong buy with a long-term target of $45: the shares are undervalued."],
      ["Jobs", "Work from home. No experience needed. Earn $15 an hour."],
      ["Newsletter", "Get out of debt and become debt-free: eliminate your debt."],
      [
        "Footer",
        "To be removed, reply with REMOVE in the subject line. You are receiving this because you subscribed."
      ],
      ["Wire", "USD 1,250,000.00 was sent to the foreign account of the beneficiary."],
      ["Results", "The winning numbers are 4 8 15 16 23 42. You have won!"],
      ["Press", "This release holds forward-looking statements within Section 27A of the Securities Act."]
    ])
      expect(features(subject, body).filter((f) => f.startsWith("topic_"))).toEqual([])
  })

  it("whole words only; every topic has sign +1", () => {
    expect(topicsOf("", "nobad credits and poorcredit, otcbbx pinksheets")).toEqual([])
    for (const t of TOPICS) expect(FEATURE_SIGNS[t]).toBe(1)
  })

  test.prop([fc.string({ maxLength: 500 }), fc.string({ maxLength: 5000 })])("never throws", (subject, text) => {
    expect(Array.isArray(topicsOf(subject, text))).toBe(true)
  })

  test.prop([
    fc.array(
      fc.constantFrom(
        "bad credit",
        "no credit check",
        "lenders compete",
        "barrister",
        "next of kin",
        "otcbb",
        "pink sheets",
        "the",
        "loan",
        "money"
      ),
      { maxLength: 20 }
    )
  ])("each topic at most once, in order, only from two different phrases", (words) => {
    const out = topicsOf("", words.join(" "))
    expect(out).toEqual(TOPICS.filter((t) => out.includes(t)))
    expect(new Set(out).size).toBe(out.length)
    const distinct = (xs: Array<string>) => new Set(words.filter((w) => xs.includes(w))).size
    expect(out.includes("topic_loan")).toBe(distinct(["bad credit", "no credit check", "lenders compete"]) >= 2)
    expect(out.includes("topic_advance_fee")).toBe(distinct(["barrister", "next of kin"]) >= 2)
    expect(out.includes("topic_stock_promotion")).toBe(distinct(["otcbb", "pink sheets"]) >= 2)
  })
})
