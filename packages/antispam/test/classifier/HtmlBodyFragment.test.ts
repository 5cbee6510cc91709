// html_body_fragment: an HTML part with a `<body>` and neither `<html>` nor `<head>`; on synthetic
// mail through the whole tokenizer and on the check itself. A whole document (`<html><body>`, a
// head with or without `<html>`), a fragment with no `<body>` and an HTML5 `<header>` never count;
// never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { htmlBodyFragment, isBodyFragment } from "../../src/classifier/HtmlBodyFragment.ts"
import { pageFeatures } from "../../src/classifier/PageEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const html = (body: string) => parse(rfc822({ subject: "Offer", body, html: true }))
const pasted = "Dear friend,\r\n\r\n<BODY bgColor=#ffccff>\r\n<TABLE><TR><TD>Lowest rates!</TD></TR></TABLE>\r\n</BODY>"

describe("html_body_fragment", () => {
  it("a body pasted after a line of text, with no document around it", () => {
    const m = html(pasted)
    expect(htmlBodyFragment(m.body.htmls)).toBe(true)
    expect(pageFeatures(m)).toEqual(["html_body_fragment"])
    expect(tokenize(m).features).toContain("html_body_fragment")
    expect(tokenize(m).tokens).toContain("feat:html_body_fragment")
  })

  it("a Word page's body without its head, in any case and with attributes", () => {
    expect(isBodyFragment("<body lang=EN-US>\n<div class=Section1><p class=MsoNormal>Hi</p></div></body>")).toBe(true)
    expect(isBodyFragment("<BODY>x</BODY>")).toBe(true)
    expect(isBodyFragment("<body/>")).toBe(true)
  })

  it("not in a whole document, with or without a head", () => {
    expect(isBodyFragment("<html><body>x</body></html>")).toBe(false)
    expect(isBodyFragment('<HTML>\n<BODY STYLE="font:10pt verdana">x</BODY></HTML>')).toBe(false)
    expect(isBodyFragment("<head><title>x</title></head><body>x</body>")).toBe(false)
    expect(isBodyFragment('<body bgcolor="#FFFFFF"><html><head><title>x</title></head><body>x</body></html>')).toBe(
      false
    )
    expect(htmlBodyFragment(html("<html><body><p>Minutes of the meeting</p></body></html>").body.htmls)).toBe(false)
  })

  it("not in a fragment with no body, nor for look-alike tag names", () => {
    expect(isBodyFragment("<div>Sent from my phone</div>")).toBe(false)
    expect(isBodyFragment("<header>x</header><bodyguard>y</bodyguard>")).toBe(false)
    expect(isBodyFragment("")).toBe(false)
    expect(htmlBodyFragment([])).toBe(false)
  })

  it("not in plain text that mentions the tag", () => {
    expect(
      tokenize(parse(rfc822({ subject: "HTML", body: "Put it inside <body> and you are done." }))).features
    ).not.toContain("html_body_fragment")
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.html_body_fragment).toBe(1)
    expect(LATE_STAGES).toContainEqual(["html_body_fragment", "html_mailto_only"])
  })

  test.prop([fc.string({ maxLength: 3000 }), fc.boolean()])("never throws on any body", (body, isHtml) => {
    const m = parse(rfc822({ subject: "x", body, html: isHtml }))
    expect(typeof htmlBodyFragment(m.body.htmls)).toBe("boolean")
  })

  test.prop([fc.uint8Array({ maxLength: 4000 })])("never throws on any bytes", (bytes) => {
    expect(typeof htmlBodyFragment(parse(bytes).body.htmls)).toBe("boolean")
  })

  test.prop([
    fc.string({ maxLength: 500 }),
    fc.string({ maxLength: 500 }),
    fc.constantFrom("<html>", "<HEAD>", "<html lang=en>")
  ])("a page with an `<html>` or `<head>` tag never counts", (before, after, tag) => {
    expect(isBodyFragment(`${before}${tag}${after}<body>x</body>`)).toBe(false)
    expect(isBodyFragment(`${before}<body>x</body>${after}${tag}`)).toBe(false)
  })
})
