import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Html } from "../../src/message/index.ts"

describe("HTML to text", () => {
  it("drops scripts, styles and comments, breaks blocks, decodes entities, collects links", () => {
    const r = Html.reduce(
      [
        "<!DOCTYPE html><html><head><title>T&amp;C</title><style>p { color: red }</style>",
        "<script type='text/javascript'>var s = '<p>not text</p>'; if (a < b) {}</script></head>",
        "<body><!-- hidden <a href='http://comment.example/'> --><p>Hello&nbsp;<b>wor</b>ld &#8364;5 &#x41;&euro;&copy;</p>",
        '<div>Click <a HREF = "https://bank.example.com/login?x=1&amp;y=2">here</a> or <a href=http://bare.example.net/>this</a></div>',
        "<img src='//cdn.example.org/i.png'><form action=\"https://phish.example/post\"></form>",
        "<p>fr&shy;ee mo\u200bney &unknown; a < b</p></body></html>"
      ].join("\n")
    )
    expect(r.text).toBe("T&C\nHello world €5 A€©\nClick here or this\nfree money &unknown; a < b")
    expect(r.links).toEqual([
      "https://bank.example.com/login?x=1&y=2",
      "http://bare.example.net/",
      "//cdn.example.org/i.png",
      "https://phish.example/post"
    ])
  })

  it("an unterminated tag or script swallows the rest, like a browser", () => {
    expect(Html.reduce("ok <a href='x").text).toBe("ok")
    expect(Html.reduce("ok <script>never closed <p>hidden").text).toBe("ok")
    expect(Html.reduce("ok <!-- never closed").text).toBe("ok")
  })

  it("finishes on adversarial input (quadratic scans would run into the test timeout; timings live in bench/)", () => {
    expect(Html.reduce("<a ".repeat(200_000)).text).toBe("")
    expect(Html.reduce(`<a x=${"'".repeat(200_000)}`).text).toBe("")
    expect(Html.reduce("&#".repeat(200_000)).text).toBe("&#".repeat(200_000))
    expect(Html.reduce("<p>".repeat(200_000)).text).toBe("")
    expect(Html.reduce("<script>".repeat(100_000)).text).toBe("")
    expect(Html.reduce("<".repeat(400_000)).text).toBe("<".repeat(400_000))
  })

  const piece = fc.oneof(
    fc.constantFrom(
      "<p>",
      "</p>",
      "<script>",
      "</script>",
      "<!--",
      "-->",
      "<a href=",
      '"',
      "'",
      ">",
      "&amp;",
      "&#",
      "&#x",
      ";",
      "<",
      "<br/>",
      "<style"
    ),
    fc.string({ maxLength: 10 })
  )
  test.prop([fc.array(piece, { maxLength: 60 }).map((a) => a.join(""))])(
    "never throws; text never contains tags of its own making",
    (html) => {
      const r = Html.reduce(html)
      expect(typeof r.text).toBe("string")
      for (const l of r.links) expect(l).toBe(l.trim())
    }
  )

  test.prop([fc.string({ maxLength: 500 })])("never throws on arbitrary strings", (s) => {
    Html.reduce(s)
  })
})
