// html_page_saturated: an HTML page whose <body bgcolor> is a saturated colour, through the whole
// tokenizer and on the check itself; white, grey, black, pale tints, table colours and text that
// merely names a colour never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { htmlPageSaturated, saturated } from "../../src/classifier/HtmlPageColour.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const page = (body: string) => tokenize(parse(rfc822({ subject: "News", body, html: true }))).features

describe("html_page_saturated", () => {
  it("a page painted in a saturated colour", () => {
    expect(page('<html><body bgcolor="#006699" link="#FFFFFF"><p>Hello</p></body></html>')).toContain(
      "html_page_saturated"
    )
    expect(page("<HTML><BODY BGCOLOR=#ffff00><P>Hello</P></BODY></HTML>")).toContain("html_page_saturated")
    expect(htmlPageSaturated(["<p>x</p>", "<body text=black bgcolor='00CC66'>Hi</body>"])).toBe(true)
  })

  it("not for white, grey, black or pale pages, table colours or colours named in text", () => {
    for (const c of ["#FFFFFF", "#ffffff", "#C0C0C0", "#000000", "#669999", "#FFFFCC", "#003366"])
      expect(page(`<html><body bgcolor="${c}"><p>Hello</p></body></html>`)).not.toContain("html_page_saturated")
    expect(page('<html><body><table bgcolor="#FF0000"><tr><td>Hi</td></tr></table></body></html>')).not.toContain(
      "html_page_saturated"
    )
    expect(page("<html><body><p>use bgcolor=#ff0000 in your body tag</p></body></html>")).not.toContain(
      "html_page_saturated"
    )
    expect(page('<html><body bgcolor="#ff00001"><p>Hello</p></body></html>')).not.toContain("html_page_saturated")
  })

  it("a channel 128 or more above another, and no less", () => {
    expect(saturated("800000")).toBe(true)
    expect(saturated("7f0000")).toBe(false)
    expect(saturated("ff7f7f")).toBe(true)
    expect(saturated("ff8080")).toBe(false)
  })

  test.prop([fc.array(fc.string({ maxLength: 2000 }), { maxLength: 4 })])("never throws on any pages", (htmls) => {
    expect(typeof htmlPageSaturated(htmls)).toBe("boolean")
  })

  test.prop([fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 127 })])(
    "grey and near-grey pages never count",
    (level, spread) => {
      const hex = (n: number) => Math.min(255, n).toString(16).padStart(2, "0")
      const colour = `${hex(level)}${hex(level + (spread >> 1))}${hex(Math.max(0, level - (spread >> 1)))}`
      const r = Number.parseInt(colour.slice(0, 2), 16)
      const g = Number.parseInt(colour.slice(2, 4), 16)
      const b = Number.parseInt(colour.slice(4, 6), 16)
      expect(htmlPageSaturated([`<body bgcolor="#${colour}">x</body>`])).toBe(
        Math.max(r, g, b) - Math.min(r, g, b) >= 128
      )
    }
  )
})
