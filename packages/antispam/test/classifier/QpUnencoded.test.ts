// mime_qp_unencoded: a part labelled quoted-printable with a line over 76 characters and no soft
// line break (raw text under the label), through the whole tokenizer (single part and multipart)
// and on the scan itself; what encoders write (short lines, long lines broken with `=`) and other
// encodings never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { qpUnencoded, unencodedText } from "../../src/classifier/QpUnencoded.ts"
import { alternativeQpHtml, qpLeaf, singlePart } from "./encodedParts.ts"

const single = singlePart
const multipart = alternativeQpHtml

const LONG = "Our offer this week is the best one you will ever see, so read every word of it now and act."
const bytes = (s: string) => new TextEncoder().encode(s)

describe("mime_qp_unencoded", () => {
  it("a long line and no soft break under the label", () => {
    expect(LONG.length).toBeGreaterThan(76)
    expect(single(`Hello,\r\n\r\n${LONG}\r\nBye.`)).toContain("mime_qp_unencoded")
    expect(multipart("Hello.", `<html><body><p>${LONG}</p></body></html>`)).toContain("mime_qp_unencoded")
  })

  it("not for encoded text: short lines, long lines broken with a soft break, 76 exactly", () => {
    expect(single("Hello,\r\nshort lines only.\r\nBye.")).not.toContain("mime_qp_unencoded")
    expect(single(`${LONG.slice(0, 70)}=\r\n${LONG.slice(70)}\r\nand ${LONG}`)).not.toContain("mime_qp_unencoded")
    expect(single("x".repeat(76))).not.toContain("mime_qp_unencoded")
    expect(single(`${LONG}\r\nlast line=`)).not.toContain("mime_qp_unencoded")
  })

  it("only in quoted-printable parts: the same text in a 7bit or 8bit part is text", () => {
    expect(single(`Hello,\r\n${LONG}`, "7bit")).not.toContain("mime_qp_unencoded")
    expect(single(`Hello,\r\n${LONG}`, "8bit")).not.toContain("mime_qp_unencoded")
  })

  it("the scan reads its range only; a CR before LF is no character", () => {
    const b = bytes(`ab\n${"y".repeat(76)}\r\n${"z".repeat(77)}\n`)
    expect(unencodedText(b, 0, b.length)).toBe(true)
    expect(unencodedText(b, 0, 3 + 78)).toBe(false)
    expect(unencodedText(bytes(`${"y".repeat(80)}=\n`), 0, 82)).toBe(false)
  })

  test.prop([fc.uint8Array({ maxLength: 3000 }), fc.nat(4000), fc.nat(4000)])(
    "never throws on any bytes or range",
    (b, from, to) => {
      expect(typeof unencodedText(b, from, to)).toBe("boolean")
      expect(typeof qpUnencoded(qpLeaf(b, from, to), b)).toBe("boolean")
    }
  )

  test.prop([fc.array(fc.stringMatching(/^[a-z ]{0,200}$/), { minLength: 1, maxLength: 20 })])(
    "text wrapped as an encoder wraps it never counts",
    (lines) => {
      // Break every line into pieces of 75 characters, each but the last ending with a soft break.
      const wrapped = lines.map((l) => (l.match(/.{1,75}/g) ?? [""]).join("=\r\n")).join("\r\n")
      const b = bytes(wrapped)
      expect(unencodedText(b, 0, b.length)).toBe(false)
    }
  )
})
