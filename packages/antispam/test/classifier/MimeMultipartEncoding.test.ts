// mime_multipart_encoded: a multipart entity declared quoted-printable or base64 (RFC 2045 allows
// a multipart only 7bit, 8bit or binary); on synthetic mail parsed by core, and on arbitrary trees.
import type { MimePart } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerStructureFeatures } from "../../src/classifier/HeaderStructure.ts"
import { multipartEncoded } from "../../src/classifier/MimeMultipartEncoding.ts"
import { parse, withHeaders } from "./support.ts"

const alternativeMessage = (encoding: string | undefined, inner = "quoted-printable") =>
  parse(
    withHeaders(
      [
        "From: Shop <news@shop.example.com>",
        "To: bob@example.org",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="b"',
        ...(encoding === undefined ? [] : [`Content-Transfer-Encoding: ${encoding}`])
      ],
      [
        "--b",
        "Content-Type: text/plain; charset=iso-8859-1",
        `Content-Transfer-Encoding: ${inner}`,
        "",
        "Great offer.",
        "--b",
        "Content-Type: text/html; charset=iso-8859-1",
        `Content-Transfer-Encoding: ${inner}`,
        "",
        "<p>Great offer.</p>",
        "--b--"
      ].join("\r\n")
    )
  )
const alternative = (encoding: string | undefined, inner = "quoted-printable") =>
  alternativeMessage(encoding, inner).mime

const nested = (encoding: string) =>
  parse(
    withHeaders(
      ["From: a@example.net", "To: b@example.org", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="m"'],
      [
        "--m",
        'Content-Type: multipart/alternative; boundary="b"',
        `Content-Transfer-Encoding: ${encoding}`,
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "Hello.",
        "--b--",
        "--m--"
      ].join("\r\n")
    )
  ).mime

describe("mime_multipart_encoded", () => {
  it("a multipart declared quoted-printable or base64, at the top or inside", () => {
    expect(multipartEncoded(alternative("quoted-printable"))).toBe(true)
    expect(multipartEncoded(alternative("base64"))).toBe(true)
    expect(multipartEncoded(alternative("Quoted-Printable"))).toBe(true)
    expect(multipartEncoded(nested("base64"))).toBe(true)
    // As the tokenizer reads it, through the family's one call (HeaderStructure.ts).
    expect(headerStructureFeatures(alternativeMessage("base64"))).toContain("mime_multipart_encoded")
    expect(headerStructureFeatures(alternativeMessage("7bit"))).not.toContain("mime_multipart_encoded")
  })

  it("not for the encodings RFC 2045 allows a multipart, nor for encoded leaves", () => {
    expect(multipartEncoded(alternative(undefined))).toBe(false)
    expect(multipartEncoded(alternative("7bit"))).toBe(false)
    expect(multipartEncoded(alternative("8bit", "base64"))).toBe(false)
    expect(multipartEncoded(nested("binary"))).toBe(false)
    const leaf = parse(
      withHeaders(["From: a@example.net", "Content-Type: text/plain", "Content-Transfer-Encoding: base64"], "SGVsbG8=")
    ).mime
    expect(multipartEncoded(leaf)).toBe(false)
  })

  const part: fc.Memo<MimePart> = fc.memo((depth) =>
    fc.record({
      contentType: fc.oneof(fc.constantFrom("multipart/mixed", "multipart/alternative", "text/plain"), fc.string()),
      transferEncoding: fc.option(
        fc.oneof(fc.constantFrom("7bit", "8bit", "base64", "quoted-printable"), fc.string()),
        {
          nil: undefined
        }
      ),
      headers: fc.constant(parse(withHeaders(["From: a@example.net"])).headers),
      body: fc.constant(new Uint8Array(0)),
      children: depth > 0 ? fc.array(part(depth - 1), { maxLength: 3 }) : fc.constant([]),
      start: fc.nat(),
      end: fc.nat()
    })
  )

  test.prop([part(3)])("never throws on any tree; counts exactly an encoded multipart in it", (root) => {
    const walk = (p: MimePart): boolean =>
      (p.contentType.startsWith("multipart/") &&
        /^\s*"?(?:quoted-printable|base64)\b/i.test(p.transferEncoding ?? "")) ||
      p.children.some(walk)
    expect(multipartEncoded(root)).toBe(walk(root))
  })

  it("never throws on missing trees", () => {
    expect(multipartEncoded(undefined)).toBe(false)
  })
})
