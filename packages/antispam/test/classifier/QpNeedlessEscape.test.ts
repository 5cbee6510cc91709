// mime_qp_needless_escape: a quoted-printable part escaping punctuation no encoder escapes inside
// a line, through the whole tokenizer (single part and multipart) and on the scan itself; what
// encoders do escape (`=3D`, white space before a line end, bytes outside ASCII, a dot starting a
// line), lower-case hex, raw `=` before numbers and other encodings never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { needlessEscape, needlessEscapes, qpNeedlessEscape } from "../../src/classifier/QpNeedlessEscape.ts"
import { alternativeQpHtml, qpLeaf, singlePart } from "./encodedParts.ts"

const single = singlePart
const multipart = alternativeQpHtml

const bytes = (s: string) => new TextEncoder().encode(s)

describe("mime_qp_needless_escape", () => {
  it("a bulk tool's escapes of dots, slashes and angle brackets inside lines", () => {
    expect(single("Visit us at http://www=2Emydebtsite=2Ecom/now today=2E")).toContain("mime_qp_needless_escape")
    expect(single("Only extract the best=2C fast=2E=3CBR=3E", "Quoted-Printable")).toContain("mime_qp_needless_escape")
    expect(multipart("Hello.", "<html><body>Powerful targeting=2E=3C=2FFONT=3E</body></html>")).toContain(
      "mime_qp_needless_escape"
    )
  })

  it("not for what encoders escape, nor for fewer than three, lower case or raw numbers", () => {
    const encoder =
      '<p class=3D"x">caf=C3=A9 ends here=20\r\n=2E starts a line\r\n=46rom the start=\r\n, soft break</p>'
    expect(single(encoder)).not.toContain("mime_qp_needless_escape")
    expect(single("two only=2E and=2E")).not.toContain("mime_qp_needless_escape")
    expect(single("lower case=2e hex=2e here=2e")).not.toContain("mime_qp_needless_escape")
    expect(single('<img width=50 height=41 src="x?id=7848&n=25">')).not.toContain("mime_qp_needless_escape")
    expect(single("=2E\r\n=2E\r\n=2E\r\n=2E")).not.toContain("mime_qp_needless_escape")
  })

  it("only in quoted-printable parts: the same bytes in a 7bit part are text", () => {
    expect(single("write a=2Eb=2Ec=2Ed in 7bit", "7bit")).not.toContain("mime_qp_needless_escape")
    expect(multipart("a=2Eb=2Ec=2Ed in the 7bit part", "<html><body>plain</body></html>")).not.toContain(
      "mime_qp_needless_escape"
    )
  })

  it("the escapes it counts and no others", () => {
    const counted = ["2C", "2E", "2F", "3A", "3B", "3C", "3E", "3F", "5F"]
    for (let hi = 0; hi < 128; hi++)
      for (let lo = 0; lo < 128; lo++) {
        const pair = String.fromCharCode(hi, lo)
        expect(needlessEscape(hi, lo)).toBe(counted.includes(pair))
      }
  })

  it("the scan reads its range only and counts up to three", () => {
    const b = bytes("x=2Ey=2Ez=2Ew=2E")
    expect(needlessEscapes(b, 0, b.length)).toBe(3)
    expect(needlessEscapes(b, 0, 8)).toBe(2)
    expect(needlessEscapes(b, 5, b.length)).toBe(2)
  })

  test.prop([fc.uint8Array({ maxLength: 3000 }), fc.nat(4000), fc.nat(4000)])(
    "never throws on any bytes or range",
    (b, from, to) => {
      const n = needlessEscapes(b, from, to)
      expect(n >= 0 && n <= 3).toBe(true)
      expect(typeof qpNeedlessEscape(qpLeaf(b, from, to), b)).toBe("boolean")
    }
  )

  test.prop([
    fc.array(fc.constantFrom("=2C", "=2E", "=2F", "=3A", "=3B", "=3C", "=3E", "=3F", "=5F"), {
      minLength: 3,
      maxLength: 8
    }),
    fc.stringMatching(/^[a-z ]{1,20}$/)
  ])("three escapes inside a line always count; each starting a line never does", (escapes, word) => {
    expect(needlessEscapes(bytes(`${word}${escapes.join(word)}`), 0, 10_000)).toBe(3)
    expect(needlessEscapes(bytes(`\n${escapes.join(`${word}\n`)}`), 0, 10_000)).toBe(0)
  })
})
