// mime_qp_encoded_break: a quoted-printable text/plain part that encodes a bare line feed (=0A)
// instead of breaking the line, through the whole tokenizer and on the scan itself; what encoders
// write (line breaks as breaks, soft breaks, an encoded CRLF pair, other escapes), HTML parts and
// other encodings never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { encodedBareLineFeed, qpEncodedBreak } from "../../src/classifier/QpEncodedBreak.ts"
import { alternativeQpHtml, qpLeaf, singlePart } from "./encodedParts.ts"

const bytes = (s: string) => new TextEncoder().encode(s)
const scan = (s: string) => {
  const b = bytes(s)
  return encodedBareLineFeed(b, 0, b.length)
}
/** What a Windows component writes for a text whose lines end in bare line feeds. */
const BARE_LF =
  " Get a kick out of our huge annuity bonuses!=09\r\n Earn a $1,000 cash bonus*=0A=\r\nfor every 5 applications=0A=\r\nwith any of our carriers."

describe("mime_qp_encoded_break", () => {
  it("a bare line feed escaped in a quoted-printable text, single part or in a multipart", () => {
    expect(singlePart(BARE_LF)).toContain("mime_qp_encoded_break")
    expect(singlePart("one line=0atwo")).toContain("mime_qp_encoded_break")
    expect(singlePart("caf=E9 =0B =A0 =0a0")).toContain("mime_qp_encoded_break")
    expect(alternativeQpHtml(BARE_LF, "<p>Hello</p>", "quoted-printable")).toContain("mime_qp_encoded_break")
  })

  it("not for what encoders write: breaks as breaks, soft breaks, other escapes, an escaped CRLF pair", () => {
    expect(singlePart("Hello,\r\nshort lines.\r\nBye =3D see you=20\r\n")).not.toContain("mime_qp_encoded_break")
    expect(singlePart(`${"x".repeat(75)}=\r\n${"y".repeat(20)}`)).not.toContain("mime_qp_encoded_break")
    expect(singlePart("caf=E9 =0B =A0 =3D0A")).not.toContain("mime_qp_encoded_break")
    expect(singlePart("line one=0D=0Aline two=0d=0a")).not.toContain("mime_qp_encoded_break")
  })

  it("only in quoted-printable text/plain parts", () => {
    expect(singlePart(BARE_LF, "7bit")).not.toContain("mime_qp_encoded_break")
    expect(singlePart(BARE_LF, "8bit")).not.toContain("mime_qp_encoded_break")
    expect(singlePart(BARE_LF, "quoted-printable", "text/html; charset=us-ascii")).not.toContain(
      "mime_qp_encoded_break"
    )
    expect(alternativeQpHtml("Hello.", `<p>${BARE_LF}</p>`, "7bit")).not.toContain("mime_qp_encoded_break")
  })

  it("the scan reads its range only", () => {
    expect(scan("ab=0A")).toBe(true)
    expect(scan("=0D=0A")).toBe(false)
    expect(scan("=0D =0A")).toBe(true)
    const b = bytes("=0D=0A and =0A")
    expect(encodedBareLineFeed(b, 0, 6)).toBe(false)
    // From inside the CR's escape: what is before `from` is not read.
    expect(encodedBareLineFeed(b, 1, 6)).toBe(true)
    expect(encodedBareLineFeed(b, 0, b.length - 1)).toBe(false)
    expect(encodedBareLineFeed(b, 0, b.length)).toBe(true)
  })

  test.prop([fc.uint8Array({ maxLength: 3000 }), fc.nat(4000), fc.nat(4000)])(
    "never throws on any bytes or range",
    (b, from, to) => {
      expect(typeof encodedBareLineFeed(b, from, to)).toBe("boolean")
      expect(typeof qpEncodedBreak(qpLeaf(b, from, to), b)).toBe("boolean")
    }
  )

  test.prop([fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 20 })])(
    "text encoded as an encoder encodes it, CRLF line ends, never counts",
    (lines) => {
      // Escape `=` and control characters; line ends stay line ends; long lines get soft breaks.
      const encode = (l: string) =>
        [...l]
          .map((c) => (c === "=" || c < " " ? `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}` : c))
          .join("")
      const text = lines
        .flatMap((l) => l.split(/\r\n|\r|\n/))
        .map((l) => (encode(l).match(/.{1,70}/g) ?? [""]).join("=\r\n"))
        .join("\r\n")
      const b = bytes(text)
      expect(encodedBareLineFeed(b, 0, b.length)).toBe(false)
    }
  )
})
