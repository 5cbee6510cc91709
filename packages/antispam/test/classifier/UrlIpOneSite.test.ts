// url_ip_one_site: a link to an IP literal in a message whose body names at most one site besides;
// on synthetic mail through the whole tokenizer and on the check itself. An IP link among the
// sites of a discussion (two or more), a host name that only looks like an address, or no IP link
// never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { linkServerFeatures } from "../../src/classifier/LinkServerEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { hasIpLink, isIpLink } from "../../src/classifier/UrlIpLinks.ts"
import { urlIpOneSite } from "../../src/classifier/UrlIpOneSite.ts"
import { analyseUrls } from "../../src/classifier/Urls.ts"
import { parse, rfc822 } from "./support.ts"

const plain = (body: string) => parse(rfc822({ subject: "Rates", body }))
const html = (body: string) =>
  parse(rfc822({ subject: "Rates", body: `<html><body>${body}</body></html>`, html: true }))

describe("url_ip_one_site", () => {
  it("an offer on a bare address, nothing else named", () => {
    const m = plain("Lowest rates of the year!\r\n\r\nhttp://192.0.2.7/rates/index.html\r\n")
    expect(urlIpOneSite(m)).toBe(true)
    expect(linkServerFeatures(m)).toEqual(["url_ip_one_site"])
    expect(tokenize(m).features).toContain("url_ip_one_site")
    expect(tokenize(m).tokens).toContain("feat:url_ip_one_site")
  })

  it("with one site besides: the offer's pictures on an address, its removal page on a name", () => {
    const m = html(
      '<img src="http://192.0.2.7/top.gif"><a href="http://www.rates-offer.com/go">go</a>' +
        '<a href="http://remove.rates-offer.com/">remove</a> or write out@rates-offer.com'
    )
    expect(urlIpOneSite(m)).toBe(true)
  })

  it("not among two or more sites, as a cached page posted to a list", () => {
    const m = plain(
      "The cached copy: http://192.0.2.7/search?q=cache:x:www.example.com/story.html\r\n" +
        "--\r\nhttp://lists.example.org/mailman/listinfo/talk\r\n"
    )
    expect(hasIpLink(m.body.urls)).toBe(true)
    expect(urlIpOneSite(m)).toBe(false)
    expect(urlIpOneSite(plain("http://192.0.2.7/ and http://www.one.example.com/ and bob@two.example.org"))).toBe(false)
  })

  it("not without an IP link: a host name, an address in the text only, no link", () => {
    expect(urlIpOneSite(plain("See http://www.rates-offer.com/go today."))).toBe(false)
    expect(urlIpOneSite(plain("My server is at 192.0.2.7 these days."))).toBe(false)
    expect(urlIpOneSite(plain("No links here."))).toBe(false)
    expect(urlIpOneSite(plain("http://192.0.2.7.example.com/ is a name"))).toBe(false)
  })

  it("reads the host as url_ip_literal does: after user-info, without the port; IPv6 in brackets", () => {
    expect(isIpLink("http://192.0.2.7/")).toBe(true)
    expect(isIpLink("http://192.0.2.7:8080/x")).toBe(true)
    expect(isIpLink("http://www.bank.example@192.0.2.7/login")).toBe(true)
    expect(isIpLink("http://[2001:db8::1]/x")).toBe(true)
    expect(isIpLink("http://www.example.com/192.0.2.7/")).toBe(false)
    expect(isIpLink("http://1.2.3/")).toBe(false)
    expect(isIpLink("mailto:bob@192.0.2.7")).toBe(false)
    expect(isIpLink("")).toBe(false)
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.url_ip_one_site).toBe(1)
    // Round 50's stage, wherever later rounds append theirs.
    expect(LATE_STAGES).toContainEqual(["url_ip_one_site", "url_redirect_ip"])
  })

  test.prop([fc.string({ maxLength: 3000 }), fc.boolean()])("never throws on any body", (body, isHtml) => {
    const m = parse(rfc822({ subject: "x", body, html: isHtml }))
    expect(typeof urlIpOneSite(m)).toBe("boolean")
  })

  test.prop([fc.uint8Array({ maxLength: 4000 })])("never throws on any bytes", (bytes) => {
    expect(typeof urlIpOneSite(parse(bytes))).toBe("boolean")
  })

  test.prop([fc.string({ maxLength: 300 })])("never throws on any link text", (url) => {
    expect(typeof isIpLink(url)).toBe("boolean")
  })

  // The tokenizer hands url_ip_one_site analyseUrls' url_ip_literal instead of reading the links again.
  const linkPart = fc.constantFrom(
    "http",
    "HTTPS",
    "ftp",
    "://",
    "//",
    "@",
    ":",
    ":8080",
    "/",
    "?",
    "#",
    "[",
    "]",
    "192.0.2.7",
    "1.2.3",
    "0x7f000001",
    "2001:db8::1",
    "www.Example.COM",
    "İ",
    "K",
    "user",
    "%41",
    ".",
    "-",
    " "
  )
  test.prop([
    fc.array(
      fc.array(linkPart, { maxLength: 10 }).map((p) => p.join("")),
      { maxLength: 120 }
    )
  ])("url_ip_literal is hasIpLink of the same links, and the tokenizer's url_ip_one_site urlIpOneSite's", (urls) => {
    expect(analyseUrls(urls, []).features.includes("url_ip_literal")).toBe(hasIpLink(urls))
  })

  test.prop([
    fc.array(
      fc.constantFrom(
        "http://192.0.2.7/a",
        "http://x.example.com/",
        "https://[2001:db8::1]/",
        "b.example.org",
        "see",
        "HTTP://10.0.0.1:81/"
      ),
      { maxLength: 6 }
    )
  ])("the tokenizer's url_ip_one_site is urlIpOneSite's", (words) => {
    const m = plain(words.join(" \r\n"))
    expect(tokenize(m).features.includes("url_ip_one_site")).toBe(urlIpOneSite(m))
    expect(linkServerFeatures(m, hasIpLink(m.body.urls))).toEqual(linkServerFeatures(m))
  })

  test.prop([fc.array(fc.constantFrom("a.example.com", "b.example.org", "c.example.net"), { minLength: 2 })])(
    "an IP link among two or more sites never counts",
    (hosts) => {
      fc.pre(new Set(hosts).size >= 2)
      const links = hosts.map((h) => `http://${h}/p`).join("\r\n")
      expect(urlIpOneSite(plain(`http://192.0.2.7/offer\r\n${links}`))).toBe(false)
    }
  )
})
