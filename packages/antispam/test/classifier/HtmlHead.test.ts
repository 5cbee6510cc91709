// HtmlHead: a page's title and generator as written, and the bounded walk over a message's HTML
// parts that round 55's traits share; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { generatorOf, somePage, titleOf } from "../../src/classifier/HtmlHead.ts"

describe("HtmlHead", () => {
  it("reads the first title as written, empty or not, and none when there is none", () => {
    expect(titleOf("<html><head><TITLE>Rates</TITLE></head>")).toBe("Rates")
    expect(titleOf('<title lang="en">\r\n</title><title>second</title>')).toBe("\r\n")
    expect(titleOf("<html><head></head><body>title</body>")).toBeUndefined()
    expect(titleOf("<title>never closed")).toBeUndefined()
    expect(titleOf(`<title>${"x".repeat(400)}</title>`)).toBeUndefined()
  })

  it("reads the generator in either attribute order, quoted or not", () => {
    expect(generatorOf('<META NAME="GENERATOR" CONTENT="Microsoft FrontPage 4.0">')).toBe("Microsoft FrontPage 4.0")
    expect(generatorOf('<meta content="MSHTML 6.00.2600.0" name=GENERATOR>')).toBe("MSHTML 6.00.2600.0")
    expect(generatorOf("<meta name=generator content=BBEdit>")).toBe("BBEdit")
    expect(generatorOf('<meta name="description" content="FrontPage tips">')).toBeUndefined()
    expect(generatorOf("<p>generator: FrontPage</p>")).toBeUndefined()
  })

  it("walks the first 20 parts only, each from its start", () => {
    const seen: Array<number> = []
    const pages = Array.from({ length: 30 }, (_, i) => `p${i}`)
    const none = (p: string) => {
      seen.push(Number(p.slice(1)))
      return false
    }
    expect(somePage(pages, none)).toBe(false)
    expect(seen).toHaveLength(20)
    expect(somePage(pages, (p) => p === "p19")).toBe(true)
    expect(somePage(pages, (p) => p === "p20")).toBe(false)
    expect(somePage([`${"x".repeat(200_000)}<title></title>`], (p) => titleOf(p) !== undefined)).toBe(false)
    expect(somePage([], () => true)).toBe(false)
  })

  test.prop([fc.string({ maxLength: 3000 })])("never throws on any page", (page) => {
    expect(["string", "undefined"]).toContain(typeof titleOf(page))
    expect(["string", "undefined"]).toContain(typeof generatorOf(page))
  })
})
