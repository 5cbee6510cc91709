// html_word_unstyled: an HTML-only message whose page names Word's classes (`MsoNormal`) with no
// style sheet; on synthetic mail through the whole tokenizer and on the check itself. Word's whole
// page (its style block kept), a page with no Word class, or a plain-text version beside it never
// count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { documentFeatures } from "../../src/classifier/DocumentEvidence.ts"
import { htmlWordUnstyled, isWordUnstyled } from "../../src/classifier/HtmlWordUnstyled.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { documentTraitLaws } from "./DocumentTraitLaws.ts"
import { parse, rfc822, withPlainVersion } from "./support.ts"

const pasted =
  "<html><body lang=EN-US><div class=Section1><p class=MsoNormal>Lowest rates!<o:p></o:p></p></div></body></html>"
const html = (body: string) => parse(rfc822({ subject: "Rates", body, html: true }))

describe("html_word_unstyled", () => {
  it("Word's classes in an HTML-only page with no style sheet", () => {
    const m = html(pasted)
    expect(htmlWordUnstyled(m.body)).toBe(true)
    expect(documentFeatures(m)).toEqual(["html_word_unstyled"])
    expect(tokenize(m).features).toContain("html_word_unstyled")
    expect(tokenize(m).tokens).toContain("feat:html_word_unstyled")
  })

  it("quoted, unquoted and in any case", () => {
    expect(isWordUnstyled('<p class="MsoBodyText">x</p>')).toBe(true)
    expect(isWordUnstyled("<P CLASS=MSONORMAL>x</P>")).toBe(true)
    expect(isWordUnstyled("<span class='MsoHyperlink'>x</span>")).toBe(true)
  })

  it("not in Word's whole page, nor without a Word class", () => {
    expect(isWordUnstyled(`<html><head><style>p.MsoNormal {margin:0}</style></head>${pasted}`)).toBe(false)
    expect(isWordUnstyled("<STYLE>\n<!-- p.MsoNormal {} --></STYLE><p class=MsoNormal>x</p>")).toBe(false)
    expect(isWordUnstyled('<p class="Normal" style="margin:0">MsoNormal</p>')).toBe(false)
    expect(isWordUnstyled("")).toBe(false)
  })

  it("not with a plain-text version, nor in plain text", () => {
    const alternative = withPlainVersion("Notes attached.", "<span class=MsoNormal>Notes attached.</span>")
    expect(isWordUnstyled(alternative.body.htmls[0]!)).toBe(true)
    expect(htmlWordUnstyled(alternative.body)).toBe(false)
    expect(tokenize(parse(rfc822({ subject: "x", body: "<p class=MsoNormal>x</p>" }))).features).not.toContain(
      "html_word_unstyled"
    )
  })

  documentTraitLaws("html_word_unstyled", htmlWordUnstyled)

  test.prop([fc.string({ maxLength: 500 }), fc.string({ maxLength: 500 })])(
    "a page with a style sheet anywhere never counts",
    (before, after) => {
      expect(isWordUnstyled(`${before}<style>${after}<p class=MsoNormal>x</p>`)).toBe(false)
      expect(isWordUnstyled(`${before}<p class=MsoNormal>x</p>${after}<style type=text/css>`)).toBe(false)
    }
  )
})
