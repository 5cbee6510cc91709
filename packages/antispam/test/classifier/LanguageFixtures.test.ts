// Non-English mail through the shipped model (round 41 in docs/classifier.md): the messages of
// fixtures/languages/ were written for these tests (no corpus text), in the forms the named mail
// programs, web-mail services and mailing services of 2005-2012 wrote: personal mail, newsletters,
// shop, ticket and bank notices and list mail in fourteen languages and six scripts (ham/), and
// spam in five languages (spam/).
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseMessage } from "../../src/classifier/Corpus.ts"
import { byForm, decide, formProbability, leansOnForm, THIN_SHARE } from "../../src/classifier/Decision.ts"
import { FEATURE_SIGNS } from "../../src/classifier/FeatureSigns.ts"
import { loadModel, shippedModelPath } from "../../src/classifier/index.ts"
import { defaultCutoffs, type Score, score } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"

const model = loadModel(shippedModelPath())
const dir = (label: string) => fileURLToPath(new URL(`fixtures/languages/${label}/`, import.meta.url))
const read = (label: string) =>
  readdirSync(dir(label))
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((name) => {
      const tokens = tokenize(parseMessage(readFileSync(dir(label) + name)))
      const s = score(model, tokens)
      return {
        name: name.replace(/\.eml$/, ""),
        features: tokens.features,
        score: s,
        class: decide(model, s),
        // The decision without round 53's rule (`byForm`): the score as if the scorer had not tagged it.
        byWords: decide(model, untagged(s))
      }
    })
const untagged = (s: Score): Score => {
  const { language: _, ...rest } = s
  return rest
}
const ham = read("ham")
const spam = read("spam")
const named = (name: string) => ham.find((m) => m.name === name)!

/**
 * Whether the shipped model was trained with round 45's rule (OneSidedLanguages.ts), which its
 * meta records: the model is retrained when a round's branch is merged, and the lists below are
 * those of a model trained before and after the rule.
 */
const trainedWithRule = model.meta.languages !== undefined

/**
 * Ham the shipped model calls spam without round 53's rule (`byWords`), each for the reason given:
 * none by the rules round 37 added
 * (no message comes near its share) or by a feature misreading the language. A retrained model
 * or a rule that frees one should remove it from the list (docs/classifier.md, rounds 41 and 45).
 */
const SPAM_HAM: Readonly<Record<string, "words" | "few words, layout" | string>> = trainedWithRule
  ? {
      // Round 45: the function words, charsets and country domains of the languages the corpus
      // holds as spam only carry no evidence; the French, Korean and Turkish mail is no longer
      // spam. Left: words the corpus's English mail taught (`subj:money`, `free`, prices,
      // `url:tld:ru`, `charset:windows-1251`), backed by a newsletter's HTML-only layout.
      "pt-br-newsletter-retail-html-only": "few words, layout",
      "ru-newsletter-books-html-only": "few words, layout",
      "fr-hotmail-address-via-isp": "web_mail_unrelayed"
    }
  : {
      // 25 to 34 clues, the words alone at 0.94-1.0: French words the corpus's spam taught it.
      "fr-list-sympa": "words",
      "fr-newsletter-bookshop": "words",
      "fr-ticket-html-only": "words",
      // 9 to 16 clues at 0.93-0.99 (the charset, the country's domain, function words learned from
      // the corpus's Korean, Portuguese and Spanish spam), backed only by a newsletter's HTML-only
      // layout: `bare` in bench/decision-rules.mjs, measured and not kept.
      "ko-newsletter-bookshop-html-only": "few words, layout",
      "pt-br-newsletter-retail-html-only": "few words, layout",
      "ru-newsletter-books-html-only": "few words, layout",
      "tr-newsletter-airline-html-only": "few words, layout",
      // A Hotmail address sent through the access provider's relay: `web_mail_unrelayed` (round 42
      // measured a narrower reading and did not keep it).
      "fr-hotmail-address-via-isp": "web_mail_unrelayed"
    }
const LAYOUT = new Set(["html_only", "body_currency_dense"])

describe("non-English fixtures with the shipped model", () => {
  it("has ham in several languages and scripts, and spam", () => {
    expect(ham.length).toBeGreaterThanOrEqual(30)
    expect(spam.length).toBeGreaterThanOrEqual(5)
    expect(new Set(ham.map((m) => m.name.slice(0, 2))).size).toBeGreaterThanOrEqual(12)
  })

  it("without round 53's rule, calls no ham spam but the ones listed, each for its listed reason", () => {
    const spamHam = ham.filter((m) => m.byWords === "spam").map((m) => m.name)
    expect(spamHam).toEqual(Object.keys(SPAM_HAM).sort())
    for (const [name, reason] of Object.entries(SPAM_HAM)) {
      const m = named(name)
      if (reason === "words" || reason === "few words, layout") {
        expect(m.score.chi.probability).toBeGreaterThanOrEqual(defaultCutoffs.spamAbove)
        expect(m.score.chi.used >= 25).toBe(reason === "words")
      }
      if (reason === "few words, layout")
        for (const f of m.features) if (FEATURE_SIGNS[f] === 1) expect(LAYOUT).toContain(f)
      if (!reason.includes("words")) expect(m.features).toContain(reason)
    }
  })

  // Round 37 leans on the form below THIN_SHARE of the words known. Header, link and statistics
  // tokens count as words and are known in any language, so no real message of these comes near
  // it (the lowest, Greek personal mail, 0.067): the lean never moves one of them.
  it("never leans on the form: the model knows more than THIN_SHARE of every message's tokens", () => {
    for (const m of [...ham, ...spam]) {
      expect(m.score.known).toBeGreaterThan(THIN_SHARE)
      expect(leansOnForm(model.logistic, m.score, defaultCutoffs)).toBe(false)
    }
  })

  // A Q-encoded word whose text starts with an escape (`=?utf-8?Q?=5BCasa_Olivar=5D_...`,
  // `=?iso-8859-15?Q?=A1Semana...`) is whole, not glued to a letter: read as glued, it made the
  // Spanish shop's order spam and five more of them (Czech, French, Spanish, Swedish, Turkish)
  // carry a spam trait.
  it("reads no subject written by a mail program as an encoded word glued to a word", () => {
    for (const m of [...ham, ...spam]) expect(m.features).not.toContain("encoded_word_split")
    expect(named("es-order-prestashop").class).toBe("unsure")
  })

  // Round 42: `image_link_little_text` measures the text by what it says (a Chinese character as
  // three letters): 250 of them are a newsletter's news, not a line beside a picture.
  it("reads a Chinese newsletter's 250 characters as text, not as little text beside a picture", () => {
    const m = named("zh-newsletter-books-html-only")
    expect(m.features).not.toContain("image_link_little_text")
    expect(m.class).toBe("unsure")
  })

  // Round 45: none of the corpus's French, Korean, Chinese or Turkish mail is ham, and a model
  // trained with the rule learns nothing from those languages' own words, charsets and domains.
  it("learns no language's function words from spam alone (a model trained with round 45's rule)", () => {
    const french = ["fr-list-sympa", "fr-newsletter-bookshop", "ko-newsletter-bookshop-html-only"]
    // A model trained before the rule calls them spam, for those words (the list above).
    if (!trainedWithRule) {
      for (const name of french) expect(named(name).class, name).toBe("spam")
      return
    }
    for (const word of ["sur", "cliquez", "için", "subj:odd-charset", "charset:gb2312"])
      expect(model.tokens.has(word), word).toBe(false)
    for (const name of french) expect(named(name).class, name).not.toBe("spam")
  })

  // Round 53: a message in a language the model's training did not measure, on fewer than
  // FEW_CLUES clues, is spam only when its form alone reaches the spam cut-off. Every ham listed
  // above is in such a language, on 11 to 14 clues, its form under 0.6: unsure. The Chinese
  // invoice offer (spam), which the words call ham on three statistics tokens, stays ham: the rule
  // leaves a ham verdict alone.
  it("with round 53's rule, calls no ham spam; the Chinese invoice offer stays ham", () => {
    if (!trainedWithRule) return
    expect(ham.filter((m) => m.class === "spam").map((m) => m.name)).toEqual([])
    for (const name of Object.keys(SPAM_HAM)) {
      const m = named(name)
      expect(byForm(model, m.score, defaultCutoffs), name).toBe("unsure")
      expect(formProbability(model.logistic!, m.score.features)).toBeLessThan(defaultCutoffs.spamAbove)
    }
    const invoice = spam.find((m) => m.name === "zh-invoice-agent")!
    expect(invoice.score.language).toBe("Hani")
    expect(invoice.class).toBe("ham")
  })

  // The rule moves a verdict only to unsure, and only one of an unmeasured language.
  it("moves only verdicts of unmeasured languages, and only to unsure", () => {
    for (const m of [...ham, ...spam]) {
      if (m.class === m.byWords) continue
      expect(m.class, m.name).toBe("unsure")
      expect(m.score.language === undefined || ["en", "und"].includes(m.score.language), m.name).toBe(false)
    }
  })

  it("still calls spam the spam whose form shows a spammer's traits", () => {
    for (const name of [
      "de-phishing-bank",
      "es-lottery-advance-fee",
      "ja-dating-ip-link",
      "pt-br-phishing-ip-link",
      "ru-seminar-bot"
    ])
      expect(spam.find((m) => m.name === name)!.class).toBe("spam")
  })
})
