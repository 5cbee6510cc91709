// mime_boundary_forged: Outlook's `=_NextPart_` boundary filled by a bulk tool (random letters,
// decimal digits) or in Outlook's full form with a time far from the message's, through the whole
// tokenizer (top-level and nested boundaries) and on the checks themselves; the boundaries Outlook,
// Exchange and other programs write for their own Date never count; never throws.
import type { ReceivedHop } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { boundaryForged, boundaryOf, mimeBoundaryForged } from "../../src/classifier/MimeBoundaryForged.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

const DATE = "Thu, 22 Aug 2002 13:24:37 -0400"
const DATE_MS = Date.parse(DATE)

/** The boundary Outlook would write at `ms` (Unix milliseconds): the FILETIME's words in hex. */
const outlookBoundary = (ms: number, counter = "0007") => {
  const filetime = BigInt(ms) * 10_000n + 11_644_473_600n * 10_000_000n
  const hex = (n: bigint) => n.toString(16).toUpperCase().padStart(8, "0")
  return `----=_NextPart_000_${counter}_${hex(filetime >> 32n)}.${hex(filetime & 0xffffffffn)}`
}

const alternative = (boundary: string, date: string | null = DATE) =>
  [
    "From: Alice <alice@example.net>",
    "To: bob@example.org",
    "Subject: lunch",
    ...(date === null ? [] : [`Date: ${date}`]),
    "MIME-Version: 1.0",
    `Content-Type: multipart/alternative;\r\n\tboundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "See you at noon.",
    `--${boundary}`,
    "Content-Type: text/html; charset=us-ascii",
    "",
    "<html><body>See you at noon.</body></html>",
    `--${boundary}--`,
    ""
  ].join("\r\n")

/** The same alternative nested in a multipart/mixed with an attachment; the outer boundary is `outer`. */
const nested = (inner: string, outer = "outer-1") =>
  [
    "From: Alice <alice@example.net>",
    "To: bob@example.org",
    "Subject: lunch",
    `Date: ${DATE}`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${outer}"`,
    "",
    `--${outer}`,
    alternative(inner).slice(alternative(inner).indexOf("Content-Type: multipart")),
    `--${outer}`,
    "Content-Type: application/octet-stream; name=a.bin",
    "Content-Transfer-Encoding: base64",
    "",
    "AAAA",
    `--${outer}--`,
    ""
  ].join("\r\n")

const features = (text: string) => tokenize(parse(text)).features
const hop = (date: string | undefined): ReceivedHop => ({ index: 0, raw: `from a by b; ${date}`, date })

describe("mime_boundary_forged", () => {
  it("a bulk tool's random letters or decimal digits after Outlook's prefix", () => {
    expect(features(alternative("----=_NextPart_hzG9dMSOY9olT9Ty"))).toContain("mime_boundary_forged")
    expect(features(alternative("=_NextPart_2rfkindysadvnqw3nerasdf"))).toContain("mime_boundary_forged")
    expect(features(alternative("----=_NextPart_186_75347104803485215881"))).toContain("mime_boundary_forged")
    expect(features(nested("----=_NextPart_XMIXKJHJKO"))).toContain("mime_boundary_forged")
  })

  it("Outlook's form with a time days away from the Date", () => {
    expect(features(alternative(outlookBoundary(DATE_MS + 10 * 86_400_000)))).toContain("mime_boundary_forged")
    expect(features(alternative(outlookBoundary(DATE_MS - 400 * 86_400_000)))).toContain("mime_boundary_forged")
  })

  it("not for Outlook's own boundaries, nor Exchange's, a web mail's or a list server's", () => {
    expect(features(alternative(outlookBoundary(DATE_MS)))).not.toContain("mime_boundary_forged")
    expect(features(alternative(outlookBoundary(DATE_MS + 3_600_000, "156E6")))).not.toContain("mime_boundary_forged")
    expect(features(nested(outlookBoundary(DATE_MS - 60_000)))).not.toContain("mime_boundary_forged")
    expect(features(alternative("----_=_NextPart_001_01C24949.8F9C7170"))).not.toContain("mime_boundary_forged")
    expect(features(alternative("=_NextPart_Caramail_0123456789012345_ID"))).not.toContain("mime_boundary_forged")
    expect(features(alternative("----=_NextPart_94915C5ABAF209EF376268C8"))).not.toContain("mime_boundary_forged")
    expect(features(alternative("----=_Part_12_345678.1030000000000"))).not.toContain("mime_boundary_forged")
    expect(features(alternative("b1_0c5e7d3f1a2b4c6d8e9f0a1b2c3d4e5f"))).not.toContain("mime_boundary_forged")
  })

  it("nothing said of Outlook's form when no time parses; a Received stamp near it clears it", () => {
    const far = outlookBoundary(DATE_MS + 10 * 86_400_000)
    expect(features(alternative(far, null))).not.toContain("mime_boundary_forged")
    expect(boundaryForged(far, undefined, [hop(undefined)])).toBe(false)
    const stamp = new Date(DATE_MS + 10 * 86_400_000 + 120_000).toUTCString()
    expect(boundaryForged(far, DATE, [hop(stamp)])).toBe(false)
    expect(boundaryForged(far, DATE, [hop("Mon, 1 Jan 2001 00:00:00 +0000")])).toBe(true)
  })

  it("reads Content-Type's boundary parameter, quoted or not", () => {
    expect(boundaryOf('multipart/mixed; boundary="a b;c"')).toBe("a b;c")
    expect(boundaryOf("multipart/mixed; charset=x;boundary=abc-1; x=y")).toBe("abc-1")
    expect(boundaryOf("multipart/mixed")).toBeUndefined()
    expect(boundaryOf(undefined)).toBeUndefined()
  })

  test.prop([fc.string({ maxLength: 300 }), fc.option(fc.string({ maxLength: 60 }), { nil: undefined })])(
    "never throws on any boundary or date",
    (boundary, date) => {
      expect(typeof boundaryForged(boundary, date, [hop(date)])).toBe("boolean")
      const read = boundaryOf(`multipart/mixed; boundary="${boundary.replace(/"/g, "")}"`)
      expect(read === undefined || boundary.replace(/"/g, "").startsWith(read)).toBe(true)
    }
  )

  test.prop([fc.uint8Array({ maxLength: 2000 })])("never throws on any message bytes", (bytes) => {
    const message = parse(bytes)
    expect(typeof mimeBoundaryForged(message.mime, message.headers.get("date"), message.received ?? [])).toBe("boolean")
  })

  test.prop([fc.integer({ min: -100_000_000, max: 100_000_000 }), fc.stringMatching(/^[0-9A-F]{4,6}$/)])(
    "Outlook's own boundary, written within a day of the Date, never counts",
    (offset, counter) => {
      expect(boundaryForged(outlookBoundary(DATE_MS + offset, counter), DATE, [])).toBe(false)
    }
  )
})
