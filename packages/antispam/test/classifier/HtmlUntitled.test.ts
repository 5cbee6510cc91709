// html_untitled: an HTML-only message whose page title is blank or a web-page editor's default;
// on synthetic mail through the whole tokenizer and on the check itself. A written title, no
// title, a plain-text version beside the page, or a title-like text never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { documentFeatures } from "../../src/classifier/DocumentEvidence.ts"
import { hasUntitledTitle, htmlUntitled } from "../../src/classifier/HtmlUntitled.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { documentTraitLaws } from "./DocumentTraitLaws.ts"
import { parse, rfc822, withPlainVersion } from "./support.ts"

const page = (title: string) =>
  `<html><head><title>${title}</title></head><body><p>Lowest rates of the year!</p></body></html>`
const html = (body: string) => parse(rfc822({ subject: "Rates", body, html: true }))

describe("html_untitled", () => {
  it("an HTML-only page titled by nobody: empty, or an editor's new page", () => {
    const m = html(page("Untitled Document"))
    expect(htmlUntitled(m.body)).toBe(true)
    expect(documentFeatures(m)).toEqual(["html_untitled"])
    expect(tokenize(m).features).toContain("html_untitled")
    expect(tokenize(m).tokens).toContain("feat:html_untitled")
    expect(htmlUntitled(html(page("")).body)).toBe(true)
  })

  it("blanks and entities are empty; the editors' defaults in any case", () => {
    for (const title of ["", " \r\n ", "&nbsp;", "&#160; ", "untitled", "Untitled-3", "New Page 1", "NEW PAGE 2"])
      expect(hasUntitledTitle(page(title))).toBe(true)
    expect(hasUntitledTitle("<TITLE>Document sans titre</TITLE>")).toBe(true)
  })

  it("not for a written title, no title, or a title that only begins like a default", () => {
    for (const title of ["Rates", "Untitled pages of history", "New Page 1 of our catalogue", "x"])
      expect(hasUntitledTitle(page(title))).toBe(false)
    expect(hasUntitledTitle("<html><head></head><body>Untitled Document</body></html>")).toBe(false)
    expect(htmlUntitled(html("<html><body><p>Rates</p></body></html>").body)).toBe(false)
  })

  it("not with a plain-text version, nor in plain text", () => {
    const alternative = withPlainVersion("Notes attached.", "<title></title>Notes attached.")
    expect(hasUntitledTitle(alternative.body.htmls[0]!)).toBe(true)
    expect(htmlUntitled(alternative.body)).toBe(false)
    expect(tokenize(parse(rfc822({ subject: "x", body: "<title></title> in plain text" }))).features).not.toContain(
      "html_untitled"
    )
  })

  documentTraitLaws("html_untitled", htmlUntitled)

  test.prop([fc.stringMatching(/^[A-Za-z]{2,12}( [A-Za-z]{2,12}){0,3}$/)])(
    "a title of words that is no editor's default never counts",
    (title) => {
      fc.pre(
        !/^(?:untitled(?:[ -]?(?:document|page))?|new page|document sans titre|unbenanntes dokument)$/i.test(title)
      )
      expect(hasUntitledTitle(page(title))).toBe(false)
    }
  )
})
