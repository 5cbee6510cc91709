// `urlHostname` reads plain `scheme://host` links without the URL parser; on any text it must
// give exactly the host name the parser gives (and undefined where the parser throws), and
// `urlHost` what the parser-only code gave.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import * as Extract from "../../src/message/Extract.ts"
import * as Before from "./oracle/ExtractBefore.ts"

const byParser = (url: string): string | undefined => {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`
  try {
    return new URL(withScheme).hostname
  } catch {
    return undefined
  }
}

const same = (url: string): void => {
  expect(Extract.urlHostname(url)).toBe(byParser(url))
  expect(Extract.urlHost(url)).toStrictEqual(Before.urlHost(url))
}

const label = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."aZ09-x"), maxLength: 6 }),
  fc.constantFrom("0x", "0X1f", "0x1g", "09", "0", "xn--", "xn--abc", "XN--ls8h", "com", "co", "uk", "255", "")
)
const host = fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join("."))
const scheme = fc.constantFrom(
  "http://",
  "https://",
  "ftp://",
  "HTTP://",
  "Https://",
  "",
  "//",
  "www.",
  "mailto:",
  "x:"
)
const tail = fc.oneof(
  fc.constantFrom("", "/", "/a/b?c=d#e", "?q", "#f", "\\path", ":80/", ":x", "@evil.com/", ".", "%41", " ", "\t"),
  fc.string({ unit: "binary", maxLength: 6 })
)
const urlLike = fc.tuple(scheme, host, tail).map(([s, h, t]) => s + h + t)

describe("URL host names without the URL parser", () => {
  test.prop([urlLike], { numRuns: 5000 })("the parser's host name on scheme, labels and tails", (url) => {
    same(url)
  })
  test.prop([fc.webUrl({ withQueryParameters: true, withFragments: true })], { numRuns: 1000 })(
    "the parser's host name on web URLs",
    (url) => {
      same(url)
    }
  )
  test.prop([fc.string({ unit: "binary", maxLength: 40 })], { numRuns: 2000 })("the same on arbitrary text", (t) => {
    same(t)
    same(`http://${t}`)
  })
  test.prop([fc.string({ unit: fc.constantFrom(..."ab0x9.-:/?#\\@%Z\u0130 "), maxLength: 30 })], { numRuns: 3000 })(
    "the same on text of the host's own and ending characters",
    (t) => {
      same(t)
      same(`https://${t}`)
    }
  )
  test("known cases", () => {
    for (const url of [
      "http://Example.COM/x",
      "http://a..b.com/",
      "http://./",
      "http://exAmple.com.",
      "http://1.2.3",
      "http://a.0x",
      "http://a.0x1g",
      "http://a.b.09",
      "http://xn--abc.com",
      "http://example.com\\x",
      "www.example.com:80/",
      "http://192.0.2.1./",
      "ftp://files.example.org"
    ])
      same(url)
    expect(Extract.urlHostname("http://Example.COM/x")).toBe("example.com")
    expect(Extract.urlHostname("http://1.2.3")).toBe("1.2.0.3")
    expect(Extract.urlHostname("http://a.0x")).toBeUndefined()
  })
})
