// A multipart/alternative is one text in two forms: the counts over a message's text (its
// statistics, and the features that count marks, amounts, letters) describe it once.
import type { MimePart } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { shownTexts } from "../../src/classifier/ShownText.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { alternativeParts, parse } from "./support.ts"

const head = ["From: Alice <alice@example.net>", "To: bob@example.org", "Subject: News", "MIME-Version: 1.0"]

const plainOnly = (text: string): string =>
  [...head, "Content-Type: text/plain; charset=utf-8", "", text, ""].join("\r\n")

/** `text` as a plain version and an HTML one (`htmlText`), alone or first in a mixed with `tail`. */
const alternative = (text: string, htmlText = text, tail?: string): string =>
  [
    ...head,
    ...(tail === undefined
      ? ['Content-Type: multipart/alternative; boundary="b1"', ""]
      : [
          'Content-Type: multipart/mixed; boundary="m1"',
          "",
          "--m1",
          'Content-Type: multipart/alternative; boundary="b1"',
          ""
        ]),
    ...alternativeParts(text, htmlText),
    ...(tail === undefined ? [] : ["--m1", "Content-Type: text/plain; charset=utf-8", "", tail, "--m1--"]),
    ""
  ].join("\r\n")

/** The evidence that counts over the text: these differ when a version is counted twice. */
const COUNTED =
  /^(?:stat:|body:letters:|feat:(?:body_currency_dense|body_exclaim_dense|body_exclaim|body_caps|image_only|image_link_little_text|word_substitution)$)/
const counted = (raw: string): Array<string> => tokenize(parse(raw)).tokens.filter((t) => COUNTED.test(t))

const shown = (raw: string): ReadonlyArray<string> => {
  const m = parse(raw)
  return shownTexts(m.mime, m.body.texts)
}

describe("shownTexts", () => {
  it("keeps one version of a text and HTML pair: the HTML's text, the one a mail program shows", () => {
    expect(shown(alternative("Minutes of Tuesday", "Minutes of Tuesday, revised"))).toEqual([
      "Minutes of Tuesday, revised"
    ])
  })

  it("keeps the plain text when the HTML has no word in it", () => {
    expect(shown(alternative("Minutes of Tuesday", "<img src=cid:logo>"))).toEqual(["Minutes of Tuesday"])
  })

  it("keeps the parts beside an alternative, in their order", () => {
    expect(shown(alternative("Minutes of Tuesday", "Minutes of Tuesday", "-- list footer"))).toEqual([
      "Minutes of Tuesday",
      "-- list footer"
    ])
  })

  it("leaves texts with no alternative as they are", () => {
    const m = parse(plainOnly("Minutes of Tuesday"))
    expect(shownTexts(m.mime, m.body.texts)).toBe(m.body.texts)
    const mixed = parse(alternative("Minutes", "Minutes").replace("multipart/alternative", "multipart/mixed"))
    expect(shownTexts(mixed.mime, mixed.body.texts)).toBe(mixed.body.texts)
  })

  it("leaves texts that do not match the tree's text parts one for one as they are", () => {
    const m = parse(alternative("Minutes of Tuesday"))
    const texts = [...m.body.texts, "a third text"]
    expect(shownTexts(m.mime, texts)).toBe(texts)
  })
})

describe("counts over an alternative's text", () => {
  const shout = "Buy now! Cheap pills! Act today!"

  it("body_exclaim_dense: three marks in each version are three, not six", () => {
    expect(counted(plainOnly(shout))).not.toContain("feat:body_exclaim_dense")
    expect(counted(alternative(shout))).not.toContain("feat:body_exclaim_dense")
    const loud = `${shout} Now! Today!`
    expect(counted(alternative(loud))).toContain("feat:body_exclaim_dense")
  })

  it("body_currency_dense: two amounts in each version are two", () => {
    const prices = "Pills $5 and $9 each"
    expect(counted(alternative(prices))).not.toContain("feat:body_currency_dense")
    expect(counted(alternative(`${prices}, $7 or $3 a box`))).toContain("feat:body_currency_dense")
  })

  it("quoted_reply reads the plain version's quoting, which the HTML's text of a blockquote has not", () => {
    const reply = "Fine by me.\n> Shall we meet on Tuesday?\n> The room is booked."
    const features = tokenize(
      parse(alternative(reply, "Fine by me.<blockquote>Shall we meet on Tuesday?</blockquote>"))
    )
    expect(features.features).toContain("quoted_reply")
  })

  it("body:letters: the letters of the text once", () => {
    // 400 letters: counted twice they were 800, past the bucket at 500.
    const text = "word ".repeat(100)
    expect(counted(alternative(text))).toEqual(counted(plainOnly(text)))
  })

  // Texts the HTML carries as they are (no markup, entities or line breaks to reduce).
  const piece = fc.oneof(
    fc.stringMatching(/^[A-Za-z]{1,12}$/),
    fc.stringMatching(/^[0-9]{1,5}$/),
    fc.constantFrom("!", "!!!", "?", "*", "#", "%", "~", "$", "$5", "€ 20", "£3", "V1AGRA", "v1agra", "fr33", "GREAT!")
  )
  const text = fc.array(piece, { minLength: 1, maxLength: 120 }).map((xs) => xs.join(" "))

  test.prop([text])("a text counts the same alone and as a text and HTML pair", (t) => {
    expect(counted(alternative(t))).toEqual(counted(plainOnly(t)))
  })
})

describe("shownTexts on any tree", () => {
  const leaf = fc.record({
    contentType: fc.oneof(fc.constantFrom("text/plain", "text/html", "image/png", "TEXT/HTML"), fc.string()),
    disposition: fc.option(fc.constantFrom("attachment", "inline"), { nil: undefined }),
    children: fc.constant([] as Array<unknown>)
  })
  const tree = fc.letrec<{ part: unknown }>((tie) => ({
    part: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.record({
        contentType: fc.constantFrom("multipart/alternative", "multipart/mixed", "multipart/related"),
        disposition: fc.constant(undefined),
        children: fc.array(tie("part"), { maxLength: 4 })
      })
    )
  })).part
  const texts = fc.array(fc.string(), { maxLength: 6 })

  test.prop([tree, texts])("never throws; gives some of the texts in their order, or all of them", (root, xs) => {
    const out = shownTexts(root as MimePart, xs)
    if (out === xs) return
    expect(out.length).toBeLessThan(xs.length)
    let from = 0
    for (const t of out) {
      const i = xs.indexOf(t, from)
      expect(i).toBeGreaterThanOrEqual(from)
      from = i + 1
    }
  })
})
