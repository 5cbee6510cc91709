// The fixtures of fixtures/era2010/ (round 62 in docs/classifier.md) were written for this round
// (no corpus text) in the forms the bulk mail of about 2010 took (botnet mailers' forged headers,
// pharmacy and replica offers, shorteners, redirectors and free hosts, link-only and image-only
// mail, fake notifications of social networks and banks, non-Latin scripts) and the legitimate mail
// of the time that resembles it (social networks', banks' and shops' notices, newsletters sent
// through mailing services, a list, personal web mail). They parse, and round 62's trait marks the
// three spam whose subject calls the recipient by the address and no ham.
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseMessage } from "../../src/classifier/Corpus.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"

const dir = (label: string) => fileURLToPath(new URL(`fixtures/era2010/${label}/`, import.meta.url))
const read = (label: string) =>
  readdirSync(dir(label))
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((name) => ({
      name: name.replace(/\.eml$/, ""),
      features: tokenize(parseMessage(readFileSync(dir(label) + name))).features
    }))
const ham = read("ham")
const spam = read("spam")
const carrying = (ms: ReadonlyArray<{ name: string; features: ReadonlyArray<string> }>, f: string) =>
  ms.filter((m) => m.features.includes(f)).map((m) => m.name)

describe("2010-era fixtures", () => {
  it("has as many ham as spam", () => {
    expect(ham.length).toBe(12)
    expect(spam.length).toBe(12)
  })

  it("subject_names_recipient marks the three spam that call the recipient by the address, no ham", () => {
    expect(carrying(ham, "subject_names_recipient")).toEqual([])
    expect(carrying(spam, "subject_names_recipient")).toEqual([
      "en-pharmacy-outlook-forged",
      "en-replica-bags-freehost",
      "en-replica-watches-cutwail"
    ])
  })

  // Two forms the fixtures show in ham as in spam: a shortener in a friend's mail, a tracked
  // redirect in a newsletter. The traits read them as spam does; the words and the rest decide.
  it("reads a shortener and a redirect in ham as in spam", () => {
    expect(carrying(ham, "url_shortener")).toEqual(["en-personal-gmail-shortener"])
    expect(carrying(spam, "url_shortener")).toEqual(["en-pharmacy-shortener-plain"])
    expect(carrying(ham, "url_redirect")).toContain("en-newsletter-constant-contact")
  })
})
