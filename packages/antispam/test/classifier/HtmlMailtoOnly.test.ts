// html_mailto_only: an HTML-only message whose one call to action is a `mailto:` link (no web link,
// no remote picture); on synthetic mail through the whole tokenizer and on the check itself. A
// plain-text version, a web link or picture beside it, or no mailto link never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { hasMailtoLink, htmlMailtoOnly } from "../../src/classifier/HtmlMailtoOnly.ts"
import { pageFeatures } from "../../src/classifier/PageEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822, withPlainVersion } from "./support.ts"

const page = (body: string) => `<html><body><p>Lowest rates of the year!</p>${body}</body></html>`
const offer = page('<p>Write to <a href="mailto:rates@offer.example.com?subject=more">us</a> for details.</p>')
const html = (body: string) => parse(rfc822({ subject: "Rates", body, html: true }))

describe("html_mailto_only", () => {
  it("an HTML-only offer whose one link writes mail", () => {
    const m = html(offer)
    expect(htmlMailtoOnly(m)).toBe(true)
    expect(pageFeatures(m)).toEqual(["html_mailto_only"])
    expect(tokenize(m).features).toContain("html_mailto_only")
    expect(tokenize(m).tokens).toContain("feat:html_mailto_only")
  })

  it("an image map's area and unquoted or spaced hrefs count", () => {
    expect(hasMailtoLink(['<map><area shape=rect href="mailto:a@b.example">'])).toBe(true)
    expect(hasMailtoLink(["<A HREF=mailto:a@b.example>x</A>"])).toBe(true)
    expect(hasMailtoLink(['<a title="x" href = " mailto:a@b.example">x</a>'])).toBe(true)
  })

  it("not with a web link or a remote picture beside it", () => {
    expect(
      htmlMailtoOnly(
        html(page('<a href="mailto:a@offer.example.com">mail</a> <a href="http://offer.example.com/">site</a>'))
      )
    ).toBe(false)
    expect(
      htmlMailtoOnly(
        html(page('<img src="http://img.example.com/top.gif"><a href="mailto:a@offer.example.com">mail</a>'))
      )
    ).toBe(false)
    expect(
      htmlMailtoOnly(html(page('<a href="mailto:a@offer.example.com">mail</a> or see www.offer.example.com')))
    ).toBe(false)
  })

  it("not with a plain-text version, in plain text, or with no mailto link", () => {
    const alternative = withPlainVersion("Write to me.", '<a href="mailto:alice@example.net">me</a>')
    expect(hasMailtoLink(alternative.body.htmls)).toBe(true)
    expect(htmlMailtoOnly(alternative)).toBe(false)
    expect(htmlMailtoOnly(parse(rfc822({ subject: "x", body: "Write to mailto:a@offer.example.com" })))).toBe(false)
    expect(htmlMailtoOnly(html(page("<p>Write to a@offer.example.com</p>")))).toBe(false)
    expect(hasMailtoLink(['<a href="http://x.example/mailto:a@b.example">x</a>', "<p>mailto:a@b.example</p>"])).toBe(
      false
    )
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.html_mailto_only).toBe(1)
    expect(LATE_STAGES).toContainEqual(["html_body_fragment", "html_mailto_only"])
  })

  test.prop([fc.string({ maxLength: 3000 }), fc.boolean()])("never throws on any body", (body, isHtml) => {
    expect(typeof htmlMailtoOnly(parse(rfc822({ subject: "x", body, html: isHtml })))).toBe("boolean")
  })

  test.prop([fc.uint8Array({ maxLength: 4000 })])("never throws on any bytes", (bytes) => {
    expect(typeof htmlMailtoOnly(parse(bytes))).toBe("boolean")
  })

  test.prop([fc.webUrl(), fc.string({ maxLength: 200 })])("a web link beside the mailto never counts", (url, text) => {
    const body = page(`<a href="mailto:a@offer.example.com">mail</a><a href="${url}">${text.replace(/[<>]/g, "")}</a>`)
    expect(htmlMailtoOnly(html(body))).toBe(false)
  })
})
