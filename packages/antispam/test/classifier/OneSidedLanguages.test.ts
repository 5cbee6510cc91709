// Tokens of a language the training holds in one class only carry no evidence (round 45 in
// docs/classifier.md): a model trained on English ham and spam and on French spam alone does not
// call ordinary French mail spam for its French words, and is what it was on English mail.
import { describe, expect, it } from "vitest"
import type { Label } from "../../src/classifier/Model.ts"
import { BOUND_SHARE, MEASURED, oneSided } from "../../src/classifier/OneSidedLanguages.ts"
import { classOf, score } from "../../src/classifier/Score.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { countAll, trainTokens } from "../../src/classifier/Train.ts"
import { parse, rfc822 } from "./support.ts"

const pick = (words: ReadonlyArray<string>, i: number, n: number) =>
  Array.from({ length: n }, (_, j) => words[(i * 5 + j * 3) % words.length]).join(" ")

const EN = "the and you for that with this are have from not your will our can all was but has".split(" ")
const FR = "les des est une pour dans que qui sur avec vous nous pas par sont plus votre cette aux".split(" ")
const HAM = "meeting agenda report budget schedule review lunch draft minutes release branch notes".split(" ")
const SPAM = "viagra mortgage winner casino pharmacy refinance guaranteed millions lottery discount".split(" ")
const FR_SPAM = "gratuit argent gagnez offre exceptionnelle cadeau bonus crédit promotion".split(" ")
const FR_HAM = "réunion demain bureau dossier rapport semaine projet équipe budget".split(" ")

/** Every message in one form, so that only the words tell the classes apart. */
const plain = (subject: string, body: string) => rfc822({ subject, body })

const item = (text: string, label: Label) => ({ tokens: tokenize(parse(text)), label })
const items = [
  ...Array.from({ length: 40 }, (_, i) => item(plain(pick(HAM, i, 2), `${pick(EN, i, 8)} ${pick(HAM, i, 20)}`), "ham")),
  ...Array.from({ length: 40 }, (_, i) =>
    item(plain(pick(SPAM, i, 2), `${pick(EN, i, 8)} ${pick(SPAM, i, 20)}`), "spam")
  ),
  // French mail, all of it spam: its function words are in spam only.
  ...Array.from({ length: 12 }, (_, i) =>
    item(plain(pick(FR_SPAM, i, 2), `${pick(FR, i, 10)} ${pick(FR_SPAM, i, 15)}`), "spam")
  )
]
const frenchHam = Array.from({ length: 10 }, (_, i) =>
  tokenize(parse(plain(pick(FR_HAM, i, 2), `${pick(FR, i + 50, 10)} ${pick(FR_HAM, i, 12)}`)))
)

// The rule is on by default, with round 49's fit (the layer fitted without it).
const withRule = trainTokens(items, { folds: 3, minCount: 1 })
const withoutRule = trainTokens(items, { folds: 3, minCount: 1, oneSided: false })

describe("tokens of a language learned from one class only", () => {
  it("are set aside: the French function words, not the English ones", () => {
    const found = oneSided(
      countAll(items, {}, false),
      items.map((it) => ({ tokens: it.tokens.tokens, label: it.label }))
    )
    expect(found.languages.get("fr")).toEqual({ ham: 0, spam: 12 })
    expect([...found.unmeasured]).toEqual(["fr"])
    for (const w of ["les", "vous", "pour", "gratuit"]) expect(found.bound.has(w), w).toBe(true)
    for (const w of ["the", "you", "meeting", "viagra", "feat:html_only"]) expect(found.bound.has(w), w).toBe(false)
    expect(withRule.tokens.has("vous")).toBe(false)
    expect(withoutRule.tokens.get("vous")?.[0]).toBe(0)
    expect(withRule.meta.languages).toContain("fr* 0/12")
  })

  it("do not make ordinary French mail spam, which the same training without the rule does", () => {
    const classes = (model: typeof withRule) => frenchHam.map((t) => classOf(score(model, t).probability))
    expect(classes(withRule).filter((c) => c === "spam")).toEqual([])
    // Without the rule the French function words, learned from spam alone, decide.
    expect(classes(withoutRule).filter((c) => c === "spam").length).toBeGreaterThanOrEqual(8)
  })

  it("leave the layer as the training without the rule fits it", () => {
    // Refitted with the rule (round 45), the French spam, left to their form, move the bias.
    expect(withRule.logistic).toBeDefined()
    expect(withRule.logistic).toEqual(withoutRule.logistic)
  })

  it("leave the score of English mail that holds no bound token as it was, to the last digit", () => {
    const english = [
      ...Array.from({ length: 10 }, (_, i) =>
        plain(pick(HAM, i + 60, 2), `${pick(EN, i + 60, 8)} ${pick(HAM, i + 3, 14)}`)
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        plain(pick(SPAM, i + 60, 2), `${pick(EN, i + 60, 8)} ${pick(SPAM, i + 3, 14)}`)
      )
    ].map((text) => tokenize(parse(text)))
    for (const t of english) {
      expect(t.tokens.filter((token) => withoutRule.tokens.has(token) && !withRule.tokens.has(token))).toEqual([])
      expect(score(withRule, t).probability).toBe(score(withoutRule, t).probability)
    }
  })

  it("leave every other token's counts as they were", () => {
    for (const [t, c] of withRule.tokens) expect(withoutRule.tokens.get(t), t).toEqual(c)
    for (const w of [...EN, ...HAM, ...SPAM]) expect(withRule.tokens.has(w), w).toBe(true)
  })

  it("are not set aside in a language with enough mail of both classes", () => {
    const balanced = [
      ...items,
      ...Array.from({ length: MEASURED }, (_, i) =>
        item(plain(pick(FR_HAM, i, 2), `${pick(FR, i + 7, 10)} ${pick(FR_HAM, i, 12)}`), "ham")
      ),
      ...Array.from({ length: MEASURED }, (_, i) =>
        item(plain(pick(FR_SPAM, i + 3, 2), `${pick(FR, i + 9, 10)} ${pick(FR_SPAM, i, 15)}`), "spam")
      )
    ]
    const found = oneSided(
      countAll(balanced, {}, false),
      balanced.map((it) => ({ tokens: it.tokens.tokens, label: it.label }))
    )
    expect(found.unmeasured.size).toBe(0)
    expect(found.bound.size).toBe(0)
    expect(BOUND_SHARE).toBeGreaterThan(0)
  })
})
