// text_plain_html_document: a text/plain part holding a whole HTML document where
// text_plain_markup does not hold; on hand-written mail parsed by core and through the whole
// tokenizer, on the check itself, and on arbitrary input (never throws).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { holdsHtmlDocument, plainTextDocument } from "../../src/classifier/TextPlainDocument.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { multipart, parse, rfc822 } from "./support.ts"

const prose = "Our course teaches you English in ten minutes a day, with lessons you can take anywhere."
// A page of a frame set round a remote site: no layout tag text_plain_markup counts.
const frames =
  '<HTML><HEAD></HEAD><FRAMESET rows=100%,*><FRAME name=main src="http://courses.example.com"></FRAMESET></html>'
const plain = (body: string) => parse(rfc822({ subject: "Courses", body }))
const features = (body: string) => tokenize(plain(body)).features

/** A multipart/alternative whose plain version is `plainText` and whose HTML version is `htmlText`. */
const alternative = (plainText: string, htmlText: string) =>
  multipart("multipart/alternative", [
    ["Content-Type: text/plain; charset=us-ascii", "", plainText],
    ["Content-Type: text/html; charset=us-ascii", "", htmlText]
  ])

describe("text_plain_html_document", () => {
  it("a plain text ending with a page of frames (text_plain_markup does not hold)", () => {
    const m = plain(`${prose}\r\n=====\r\n${frames}\r\n`)
    expect(plainTextDocument(m.mime, m.body.texts)).toBe(true)
    const t = tokenize(m)
    expect(t.features).toContain("text_plain_html_document")
    expect(t.features).not.toContain("text_plain_markup")
    expect(t.tokens).toContain("feat:text_plain_html_document")
  })

  it("an alternative whose plain version is the page's source", () => {
    const page = `<html><head><title>Casino</title><style>.big{font-size:30px}</style></head><body><div class=big>${prose}</div></body></html>`
    const m = alternative(page, page)
    expect(plainTextDocument(m.mime, m.body.texts)).toBe(true)
    expect(tokenize(m).features).toContain("text_plain_html_document")
  })

  it("the same page in the HTML part alone, or its text as the plain version, is not", () => {
    const page = `<html><body><p>${prose}</p></body></html>`
    expect(tokenize(parse(rfc822({ subject: "Courses", body: page, html: true }))).features).not.toContain(
      "text_plain_html_document"
    )
    const m = alternative(prose, page)
    expect(plainTextDocument(m.mime, m.body.texts)).toBe(false)
  })

  it("a page pasted with its layout tags is text_plain_markup's, not this trait's", () => {
    const pasted = `<html><body><p>${prose}<br><br><a href="http://x.example.com">here</a><br><font size=4>now</font></p></body></html>`
    const f = features(`${prose}\r\n${pasted}`)
    expect(f).toContain("text_plain_markup")
    expect(f).not.toContain("text_plain_html_document")
  })

  it("a tag named in prose, an opening without its close, or a close before its opening is not a document", () => {
    expect(features(`${prose} The page starts with <html> and the head comes next.`)).not.toContain(
      "text_plain_html_document"
    )
    expect(holdsHtmlDocument("</html> closes what <html> opens")).toBe(false)
    expect(holdsHtmlDocument("<htmlfoo> and </html>")).toBe(false)
    expect(holdsHtmlDocument("<html lang=en>x</HTML >")).toBe(true)
  })

  it("an attached page is not the text", () => {
    const m = multipart("multipart/mixed", [
      ["Content-Type: text/plain; charset=us-ascii", "", "Here is the page you asked for."],
      ["Content-Type: text/plain; charset=us-ascii", 'Content-Disposition: attachment; filename="page.txt"', "", frames]
    ])
    expect(plainTextDocument(m.mime, m.body.texts)).toBe(false)
    expect(tokenize(m).features).not.toContain("text_plain_html_document")
  })

  test.prop([fc.string({ maxLength: 300 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 })])(
    "never throws on any text or texts; a text holds a document only with both tags in order",
    (text, texts) => {
      const holds = holdsHtmlDocument(text)
      expect(typeof holds).toBe("boolean")
      if (holds) expect(/<html[\s>][\s\S]*<\/html\s*>/i.test(text)).toBe(true)
      const m = plain(text)
      expect(typeof plainTextDocument(m.mime, texts)).toBe("boolean")
    }
  )

  test.prop([fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 })])(
    "text around a document never hides it",
    (before, after) => {
      expect(holdsHtmlDocument(`${before}\n${frames}\n${after}`)).toBe(true)
    }
  )
})
