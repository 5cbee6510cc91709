// html_editor_generator: an HTML-only message whose page names a web-page editor as its generator;
// on synthetic mail through the whole tokenizer and on the check itself. A mail program's own
// generator (MSHTML, Word, Netscape), no generator, the editor's name in text, or a plain-text
// version beside the page never count; never throws (DocumentTraitLaws.ts).
import { describe, expect, it } from "vitest"
import { documentFeatures } from "../../src/classifier/DocumentEvidence.ts"
import { htmlEditorGenerator, isEditorPage } from "../../src/classifier/HtmlEditorGenerator.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { documentTraitLaws } from "./DocumentTraitLaws.ts"
import { parse, rfc822, withPlainVersion } from "./support.ts"

const meta = (generator: string) => `<META NAME="GENERATOR" CONTENT="${generator}">`
const page = (generator: string) =>
  `<html><head><title>Rates</title>${meta(generator)}</head><body><p>Lowest rates!</p></body></html>`
const html = (body: string) => parse(rfc822({ subject: "Rates", body, html: true }))

describe("html_editor_generator", () => {
  it("an HTML-only page made in a web-page editor", () => {
    const m = html(page("Microsoft FrontPage 4.0"))
    expect(htmlEditorGenerator(m.body)).toBe(true)
    expect(documentFeatures(m)).toEqual(["html_editor_generator"])
    expect(tokenize(m).features).toContain("html_editor_generator")
    expect(tokenize(m).tokens).toContain("feat:html_editor_generator")
  })

  it("the editors by the names they write", () => {
    for (const g of [
      "Namo WebEditor v5.0",
      "Visual Page 2.0 for Windows",
      "Adobe GoLive 6",
      "Macromedia Dreamweaver MX"
    ])
      expect(isEditorPage(page(g))).toBe(true)
    expect(isEditorPage('<meta content="BBEdit 6.5" name="generator">')).toBe(true)
  })

  it("not a mail program's generator, no generator, or the name in the text", () => {
    for (const g of [
      "MSHTML 6.00.2800.1106",
      "Microsoft Word 9",
      "Mozilla/4.7 [en] (Win98; I) [Netscape]",
      "iMakeNews"
    ])
      expect(isEditorPage(page(g))).toBe(false)
    expect(isEditorPage("<html><body><p>Made with FrontPage</p></body></html>")).toBe(false)
    expect(isEditorPage('<meta name="keywords" content="frontpage, dreamweaver">')).toBe(false)
  })

  it("not with a plain-text version, nor in plain text", () => {
    const alternative = withPlainVersion("Notes attached.", `${meta("Microsoft FrontPage 5.0")}Notes attached.`)
    expect(isEditorPage(alternative.body.htmls[0]!)).toBe(true)
    expect(htmlEditorGenerator(alternative.body)).toBe(false)
    expect(tokenize(parse(rfc822({ subject: "x", body: meta("Microsoft FrontPage 4.0") }))).features).not.toContain(
      "html_editor_generator"
    )
  })

  documentTraitLaws("html_editor_generator", htmlEditorGenerator)
})
