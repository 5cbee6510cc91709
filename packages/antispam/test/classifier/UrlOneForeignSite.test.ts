// url_one_foreign_site: an HTML-only message whose body names one site and nothing else (links,
// pictures, bare names, addresses; no IP literal), a site none of the sender's headers name; on
// synthetic mail through the whole tokenizer and on the check itself. A shop linking its own site,
// a newsletter naming many, a mailing service's tracking host named by its bounce address or
// Message-ID, a plain-text version, an IP literal never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { linkFeatures } from "../../src/classifier/LinkEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { isSenderSite, oneSite, senderSites, siteOf } from "../../src/classifier/SenderSites.ts"
import { urlOneForeignSite } from "../../src/classifier/UrlOneForeignSite.ts"
import { alternativeParts, parse, rfc822 } from "./support.ts"

const page = (body: string) =>
  `<html><body><p>Lowest rates of the year!</p>${body}<p>Click below to see them all.</p></body></html>`
const offer = page(
  '<a href="http://www.rates-offer.com/go?id=7"><img src="http://img.rates-offer.com/top.gif"></a>' +
    '<p><a href="http://www.rates-offer.com/remove">remove</a> or write remove@rates-offer.com</p>'
)
const html = (body: string, o: { from?: string; extra?: string } = {}) =>
  parse(rfc822({ subject: "Rates", body, html: true, ...o }))

describe("url_one_foreign_site", () => {
  it("an HTML-only offer naming one site that is not the sender's", () => {
    const m = html(offer)
    expect(urlOneForeignSite(m)).toBe(true)
    expect(linkFeatures(m)).toEqual(["url_one_foreign_site"])
    expect(tokenize(m).features).toContain("url_one_foreign_site")
    expect(tokenize(m).tokens).toContain("feat:url_one_foreign_site")
  })

  it("not when the site is the sender's: From, Reply-To, Return-Path, Sender or the Message-ID", () => {
    expect(urlOneForeignSite(html(offer, { from: "Rates <news@rates-offer.com>" }))).toBe(false)
    for (const extra of [
      "Reply-To: sales@mail.rates-offer.com",
      "Return-Path: <bounce-77@bounce.rates-offer.com>",
      "Sender: list@rates-offer.com"
    ])
      expect(urlOneForeignSite(html(offer, { extra }))).toBe(false)
    const ownId = rfc822({ subject: "Rates", body: offer, html: true }).replace(
      "<abc123@example.net>",
      "<1.2.3@mta4.rates-offer.com>"
    )
    expect(urlOneForeignSite(parse(ownId))).toBe(false)
  })

  it("not when the body names a second site, an address elsewhere or an IP literal", () => {
    expect(urlOneForeignSite(html(page(`${offer}<a href="http://other.example.org/">more</a>`)))).toBe(false)
    expect(urlOneForeignSite(html(page(`${offer}<p>Sent to bob@example.org</p>`)))).toBe(false)
    expect(urlOneForeignSite(html(page(`${offer}<img src="http://192.0.2.7/pixel.gif">`)))).toBe(false)
  })

  it("not with a plain-text version, in plain text alone, or with no name at all", () => {
    const alternative = [
      "From: Alice <alice@example.net>",
      "To: bob@example.org",
      "Subject: Rates",
      "Message-ID: <abc123@example.net>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      ...alternativeParts("Rates at http://www.rates-offer.com/go", '<a href="http://www.rates-offer.com/go">go</a>'),
      ""
    ].join("\r\n")
    expect(urlOneForeignSite(parse(alternative))).toBe(false)
    expect(urlOneForeignSite(parse(rfc822({ subject: "Rates", body: "See http://www.rates-offer.com/go" })))).toBe(
      false
    )
    expect(urlOneForeignSite(html(page("<p>No links here.</p>")))).toBe(false)
  })

  it("sites are registrable domains, in any case, a trailing dot dropped", () => {
    expect(siteOf("WWW.Example.CO.UK.")).toBe("example.co.uk")
    expect(siteOf("localhost")).toBe("localhost")
    expect(oneSite(["a.example.com", "B.EXAMPLE.com", "example.com"])).toBe("example.com")
    expect(oneSite(["a.example.com", "example.org"])).toBeUndefined()
    expect(oneSite([])).toBeUndefined()
  })

  it("the sender's sites: every address of From, Sender, Reply-To, Return-Path and the Message-ID", () => {
    const m = parse(
      rfc822({
        subject: "x",
        body: "x",
        extra: "Reply-To: a@one.example.co.uk, b@Two.Example.ORG\r\nReturn-Path: <r@bounce.mailer.example>"
      })
    )
    expect([...senderSites(m.headers)].sort()).toEqual([
      "example.co.uk",
      "example.net",
      "example.org",
      "mailer.example"
    ])
    expect(isSenderSite(m.headers, "example.org")).toBe(true)
    expect(isSenderSite(m.headers, "rates-offer.com")).toBe(false)
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.url_one_foreign_site).toBe(1)
    expect(LATE_STAGES).toContainEqual(["url_one_foreign_site"])
  })

  test.prop([fc.string({ maxLength: 3000 }), fc.string({ maxLength: 200 }), fc.boolean()])(
    "never throws on any body and sender",
    (body, from, isHtml) => {
      const m = parse(rfc822({ subject: "x", body, html: isHtml, from: from.replace(/[\r\n]/g, " ") }))
      expect(typeof urlOneForeignSite(m)).toBe("boolean")
    }
  )

  test.prop([fc.uint8Array({ maxLength: 4000 })])("never throws on any bytes", (bytes) => {
    expect(typeof urlOneForeignSite(parse(bytes))).toBe("boolean")
  })

  test.prop([fc.array(fc.constantFrom("a", "www", "img", "mail"), { minLength: 1, maxLength: 6 })])(
    "a site's own mail never counts: links on From's domain",
    (labels) => {
      const links = labels.map((l) => `<a href="http://${l}.rates-offer.com/p">${l}</a>`).join("")
      expect(urlOneForeignSite(html(page(links), { from: "<news@rates-offer.com>" }))).toBe(false)
    }
  )
})
