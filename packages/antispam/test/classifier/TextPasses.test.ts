// The classifier's cheaper text passes against the code they replace (kept under oracle/): on
// any text they must give the same features and tokens.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { analyseHtml, anchorClose, plainTextMarkup } from "../../src/classifier/Html.ts"
import { clean } from "../../src/classifier/Tokenizer.ts"
import { analyseHtml as analyseHtmlBefore, plainTextMarkup as plainTextMarkupBefore } from "./oracle/HtmlBefore.ts"

// HTML made of the pieces the analysis looks at, in any order and with anything between them.
const htmlPiece = fc.oneof(
  fc.constantFrom(
    "<img src=x>",
    "<IMG>",
    "< font size=+5>",
    "<font size=1>",
    "<font color=#ffffff>",
    '<p style="color: white">',
    '<div style="display:none">',
    '<span style="font-size:3px">',
    "<form>",
    "<script>",
    "<iframe>",
    '<a href="http://pay.example.com/x">',
    "<a href='https://www.bank.example'>",
    "<A HREF=http://a.b.example.org>",
    "http://other.example.net",
    "www.bank.example",
    "click here",
    "</a>",
    "</A >",
    "&#65;",
    "&#x4a;",
    "w<!-- x -->w",
    "</html>",
    "\r\nq8w7e6r5",
    "\n-- \nlist",
    "<br>",
    "<td>",
    "<table bgcolor=#000>",
    "<abcdefghijklmnopq>",
    "<abcdefghijklmnop>",
    "<abcdefghijklmnop style=display:none>",
    "<Abcdefghijklmnop3 size=7>",
    "<b_x>",
    "<font_x size=7>",
    "< \n\tIMG",
    "<1img>",
    "<<img>",
    "<Script",
    "<iFrame/>",
    "<OBJECT>",
    "<embed x>",
    "<FORM>",
    ' size="+6"',
    " size=-2",
    " style='visibility: hidden'",
    ' style="font-size:0px;"',
    " color=white",
    "x".repeat(150),
    " ",
    "\n",
    ">",
    "<",
    // Lower-cased to two characters (`anchorClose`'s offsets), and a letter that is one in either case.
    "\u0130",
    "\u03a3"
  ),
  fc.string({ maxLength: 12 })
)
const html = fc.array(htmlPiece, { maxLength: 60 }).map((pieces) => pieces.join(""))

/** What the old loops computed: the tokens, features and images (the image-link count came later, round 14). */
const oracleView = (parts: ReadonlyArray<string>) => {
  const { tokens, features, images } = analyseHtml(parts)
  return { tokens, features, images }
}

describe("analyseHtml", () => {
  test.prop([fc.array(html, { maxLength: 3 })], { numRuns: 1000 })("gives what the matchAll loops gave", (parts) => {
    expect(oracleView(parts)).toStrictEqual(analyseHtmlBefore(parts))
  })

  test.prop([html])("plainTextMarkup gives what the matchAll loop gave", (text) => {
    expect(plainTextMarkup(text)).toBe(plainTextMarkupBefore(text))
  })

  it("finds a tag's end only within 300 characters of its name, as the expression did", () => {
    for (const gap of [299, 300, 301, 302]) {
      const parts = [`<img${" ".repeat(gap)}><font${"-".repeat(gap)} size=7>`]
      expect(oracleView(parts)).toStrictEqual(analyseHtmlBefore(parts))
    }
    // Names of up to 16 characters, not 17, and not followed by `_`.
    for (const name of ["abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmno", "b_x", "b-x"]) {
      const parts = [`<${name} style="display:none">`]
      expect(oracleView(parts)).toStrictEqual(analyseHtmlBefore(parts))
    }
    expect(analyseHtml(['<abcdefghijklmnop style="display:none">']).features).toContain("html_hidden_text")
    expect(analyseHtml(['<abcdefghijklmnopq style="display:none">']).features).not.toContain("html_hidden_text")
    expect(analyseHtml([`<img${" ".repeat(300)}>`]).images).toBe(1)
    expect(analyseHtml([`<img${" ".repeat(301)}>`]).images).toBe(0)
  })

  it("stops at the same tag and anchor limits, and counts entities past 20 the same", () => {
    const parts = [
      "<img>".repeat(3100),
      '<a href="http://a.example">www.b.example</a>'.repeat(310),
      "&#65;".repeat(20),
      "&#65;".repeat(21)
    ]
    expect(oracleView(parts)).toStrictEqual(analyseHtmlBefore(parts))
    expect(analyseHtml(["&#65;".repeat(21)]).features).toContain("html_entity_heavy")
    expect(analyseHtml(["&#65;".repeat(20)]).features).not.toContain("html_entity_heavy")
    // A second call starts from the text's beginning (the module's expressions are global).
    expect(analyseHtml(["<img>".repeat(5)]).images).toBe(5)
    expect(analyseHtml(["<img>".repeat(5)]).images).toBe(5)
  })
})

/** `clean` as it was: an expression test per token. */
const cleanBefore = (t: string): string =>
  t.length > 120 || /[\t\r\n]/.test(t) ? t.replace(/[\t\r\n]/g, " ").slice(0, 120) : t

describe("anchorClose", () => {
  // `</a` in either case, U+0130 (two characters lower-cased), other letters, surrogates, at
  // every distance from the start around the window's 310 characters.
  const unit = fc.constantFrom("<", "/", "a", "A", "\u0130", "\u03a3", "i", "\ud83d", "\ude00", " ", "</a", "</A")
  const text = fc.oneof(
    fc.string({ unit, maxLength: 400 }),
    fc
      .tuple(fc.nat(320), fc.string({ unit, maxLength: 20 }))
      .map(([n, tail]) => `${"\u0130x".repeat(n % 7)}${"q".repeat(n)}${tail}`)
  )
  test.prop([text, fc.nat(420)], { numRuns: 2000 })("finds `</a` where the window lower-cased finds it", (html, at) => {
    const start = Math.min(at, html.length)
    expect(anchorClose(html, start)).toBe(
      html
        .slice(start, start + 310)
        .toLowerCase()
        .indexOf("</a")
    )
  })
})

describe("clean", () => {
  test.prop([
    fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "\t", "\r", "\n", " ", "\u000b", "\u2028", "é"), maxLength: 140 }),
      fc.string({ maxLength: 200 })
    )
  ])("gives what the expression test gave", (t) => {
    expect(clean(t)).toBe(cleanBefore(t))
  })
})
