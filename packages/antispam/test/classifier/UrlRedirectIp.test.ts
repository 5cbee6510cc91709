// url_redirect_ip: a link that carries a link to an IP literal in its path or query (a redirect to
// a server with no name); on synthetic mail through the whole tokenizer and on the check itself. A
// redirect to a named site, a look-up page's address parameter, a version number in a path never
// count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { linkServerFeatures } from "../../src/classifier/LinkServerEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { redirectsToIp, urlRedirectIp } from "../../src/classifier/UrlRedirectIp.ts"
import { parse, rfc822 } from "./support.ts"

const plain = (body: string) => parse(rfc822({ subject: "Rates", body }))

describe("url_redirect_ip", () => {
  it("a click counter's link on to a bare address", () => {
    const m = plain(
      "Rates are down!\r\nhttp://click.example.com/director.asp?id=1&target=http://192.0.2.7/mortg/\r\n" +
        "http://www.example.org/ http://www.example.net/"
    )
    expect(urlRedirectIp(m)).toBe(true)
    expect(linkServerFeatures(m)).toEqual(["url_redirect_ip"])
    expect(tokenize(m).features).toContain("url_redirect_ip")
    expect(tokenize(m).features).toContain("url_redirect")
  })

  it("the forms seen: encoded scheme, a path after the host, a bare address as a parameter", () => {
    expect(redirectsToIp("http://ad.example.jp/event.ng/Type=click&Redirect=http://192.0.2.7/paul/")).toBe(true)
    expect(redirectsToIp("http://www.example.com/go?u=http%3A%2F%2F192.0.2.7%2Foffer")).toBe(true)
    expect(redirectsToIp("http://www.example.com/jump/http://192.0.2.7")).toBe(true)
    expect(redirectsToIp("http://198.51.100.16/tx.php?sne&192.0.2.7/mortg/")).toBe(true)
    expect(redirectsToIp("http://www.example.com/r?to=192.0.2.7:8080/x")).toBe(true)
  })

  it("not a redirect to a named site, a look-up of an address, a version in a path, an IP host alone", () => {
    expect(redirectsToIp("http://www.example.com/go?url=http://www.example.org/")).toBe(false)
    expect(redirectsToIp("http://www.example.com/whois?ip=192.0.2.7")).toBe(false)
    expect(redirectsToIp("http://www.example.com/whois?ip=192.0.2.7&x=1")).toBe(false)
    expect(redirectsToIp("http://downloads.example.org/pkg/1.2.3.4/pkg.tar.gz")).toBe(false)
    expect(redirectsToIp("http://192.0.2.7/offer/")).toBe(false)
    expect(redirectsToIp("http://www.example.com/go?url=http://192.0.2.77.example.org/")).toBe(false)
    expect(redirectsToIp("not a link")).toBe(false)
    expect(urlRedirectIp(plain("Rates at 192.0.2.7/mortg/ today"))).toBe(false)
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.url_redirect_ip).toBe(1)
    expect(LATE_STAGES).toContainEqual(["url_ip_one_site", "url_redirect_ip"])
  })

  test.prop([fc.string({ maxLength: 3000 }), fc.boolean()])("never throws on any body", (body, isHtml) => {
    const m = parse(rfc822({ subject: "x", body, html: isHtml }))
    expect(typeof urlRedirectIp(m)).toBe("boolean")
  })

  test.prop([fc.uint8Array({ maxLength: 4000 })])("never throws on any bytes", (bytes) => {
    expect(typeof urlRedirectIp(parse(bytes))).toBe("boolean")
  })

  test.prop([fc.string({ maxLength: 3000 })])("never throws on any link text", (tail) => {
    expect(typeof redirectsToIp(`http://www.example.com/${tail}`)).toBe("boolean")
  })

  test.prop([fc.webUrl()])("a link to a named site's page, any path, never counts", (url) => {
    fc.pre(!/\d{1,3}(?:\.\d{1,3}){3}/.test(url))
    expect(redirectsToIp(url)).toBe(false)
  })
})
