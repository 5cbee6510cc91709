// The link evidence read by offsets (`linkParts`, `percentEscapes`, `hostOf`, `portOf`,
// `dotsBefore`) against the expressions and splits they replace, and `analyseUrls` against the
// code before them (oracle/UrlsBefore.ts): the same tokens and features, in the same order.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import {
  analyseUrls,
  dotsBefore,
  hostOf,
  lastLinkParts,
  linkParts,
  percentEscapes,
  portOf
} from "../../src/classifier/Urls.ts"
import { analyseUrls as analyseUrlsBefore } from "./oracle/UrlsBefore.ts"

const PARTS = /^([a-z][a-z0-9+.-]{0,15}):\/\/([^/?#]*)([^?#]*)/i

/** Characters that make links, their edges and their tricks, in both cases and beyond ASCII. */
const linkChar = fc.constantFrom(..."aHtTpPsSfFwWxXzZ09+.-:/?#@%[]=&_ \n\téÄſK".split(""), "\u212a", "\ud83d\ude00")
const linkish = fc.string({ unit: linkChar, maxLength: 60 })
/** A link as mail writes it, with arbitrary parts: most match, some by a hair. */
const link = fc.oneof(
  linkish,
  fc
    .tuple(
      fc.constantFrom(
        "http",
        "HTTPS",
        "ftp",
        "mailto",
        "a",
        "x-y+z.v",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "1http"
      ),
      fc.constantFrom("://", ":/", "//", ":"),
      linkish,
      fc.constantFrom("", "/", "?", "#", "/path%41%4a%zz?q=http://x"),
      linkish
    )
    .map((parts) => parts.join(""))
)

describe("link parts by offsets", () => {
  test.prop([link])("linkParts finds what the expression's groups find", (url) => {
    const m = PARTS.exec(url)
    expect(linkParts(url)).toBe(m !== null)
    if (m) expect(lastLinkParts()).toEqual([m[1]!.length, m[1]!.length + 3 + m[2]!.length, m[0].length])
  })

  test.prop([linkish, fc.nat(70), fc.nat(70)])("percentEscapes counts the expression's matches", (s, a, b) => {
    const [from, to] = [Math.min(a, b, s.length), Math.min(Math.max(a, b), s.length)]
    expect(percentEscapes(s, from, to)).toBe(s.slice(from, to).match(/%[0-9a-f]{2}/gi)?.length ?? 0)
  })

  test.prop([linkish])("hostOf and portOf split host and port as split(':') did", (hostPort) => {
    const bracket = hostPort.startsWith("[")
    expect(hostOf(hostPort)).toBe(bracket ? hostPort.slice(0, hostPort.indexOf("]") + 1) : hostPort.split(":")[0])
    expect(portOf(hostPort)).toBe(bracket ? hostPort.slice(hostPort.indexOf("]") + 2) : hostPort.split(":")[1])
  })

  test.prop([linkish, fc.nat(70)])("dotsBefore counts the dots split('.') did", (host, n) => {
    const end = Math.min(n, host.length)
    expect(dotsBefore(host, end)).toBe(host.slice(0, end).split(".").length - 1)
  })

  test.prop([fc.array(link, { maxLength: 20 }), fc.array(linkish, { maxLength: 8 })])(
    "analyseUrls gives the tokens and features it gave before",
    (urls, hosts) => {
      expect(analyseUrls(urls, hosts)).toEqual(analyseUrlsBefore(urls, hosts))
    }
  )

  test.prop([fc.array(link, { minLength: 90, maxLength: 120 })])("the same past the link cap", (urls) => {
    expect(analyseUrls(urls, [])).toEqual(analyseUrlsBefore(urls, []))
  })
})
