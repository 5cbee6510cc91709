// charset_conflict: the Subject's or a page's charset contradicts a part's label, on synthetic
// mail through the whole tokenizer and on the check itself; transactional mail in one charset,
// or in two labels of the same script, never has it; never throws on any part tree.
import type { MimePart } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { charsetConflict, charsetScript } from "../../src/classifier/CharsetConflict.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

/** Bytes of a string of code points below 256, one byte each (GB2312, Big5, Latin-1 text alike). */
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))
// "你好" in GB2312 and in Big5, as the bytes a sender's program wrote.
const GB = "\xc4\xe3\xba\xc3"
const BIG5 = "\xa7\x41\xa6\x6e"

const message = (o: { subject: string; contentType: string; body: string; extra?: string }): Uint8Array =>
  bytes(
    [
      "From: Shop <orders@shop.example>",
      "To: bob@example.org",
      `Subject: ${o.subject}`,
      "Date: Mon, 1 Jun 2026 10:00:00 +0000",
      "Message-ID: <abc123@shop.example>",
      "MIME-Version: 1.0",
      `Content-Type: ${o.contentType}`,
      ...(o.extra ? [o.extra] : []),
      "",
      o.body,
      ""
    ].join("\r\n")
  )
const has = (m: Uint8Array): boolean => tokenize(parse(m)).features.includes("charset_conflict")
const page = (meta: string, text: string) =>
  `<html><head><meta http-equiv="Content-Type" content="text/html; charset=${meta}"></head><body><p>${text}</p></body></html>`

describe("charset_conflict", () => {
  it("a non-Latin Subject charset over 8-bit body text without a charset", () => {
    expect(has(message({ subject: "=?gb2312?B?xOO6ww==?=", contentType: "text/plain", body: `${GB} ${GB}` }))).toBe(
      true
    )
    expect(has(message({ subject: "=?big5?B?p0Gmbg==?=", contentType: "text/html", body: `<p>${BIG5}</p>` }))).toBe(
      true
    )
  })

  it("a page whose meta charset is another script than its label", () => {
    expect(
      has(message({ subject: "hello", contentType: "text/html; charset=iso-8859-1", body: page("gb2312", GB) }))
    ).toBe(true)
    expect(
      has(
        message({
          subject: "hello",
          contentType: 'text/html; charset="windows-1251"',
          body: page("ISO-8859-1", "\xcf\xf0\xe8\xe2\xe5\xf2")
        })
      )
    ).toBe(true)
  })

  it("not for mail labelled once and consistently", () => {
    expect(
      has(message({ subject: "=?gb2312?B?xOO6ww==?=", contentType: "text/plain; charset=gb2312", body: `${GB} ${GB}` }))
    ).toBe(false)
    expect(has(message({ subject: "hello", contentType: "text/html; charset=gb2312", body: page("gb2312", GB) }))).toBe(
      false
    )
    expect(has(message({ subject: "hello", contentType: "text/plain", body: "plain ASCII, no label needed" }))).toBe(
      false
    )
  })

  it("not for transactional look-alikes", () => {
    // A German shop's order confirmation: a Latin Subject and an unlabelled 8-bit body is sloppy, not a script conflict.
    expect(
      has(
        message({
          subject: "=?iso-8859-1?Q?Ihre_Bestellbest=E4tigung_Nr._10234?=",
          contentType: "text/plain",
          body: "Vielen Dank f\xfcr Ihre Bestellung. Gr\xfc\xdfe"
        })
      )
    ).toBe(false)
    // A receipt template whose meta says UTF-8 or windows-1252 while the mailing service sends Latin-1.
    expect(
      has(
        message({
          subject: "Your receipt",
          contentType: "text/html; charset=iso-8859-1",
          body: page("utf-8", "Total \xa3 12")
        })
      )
    ).toBe(false)
    expect(
      has(
        message({
          subject: "Invoice 2026-118",
          contentType: "text/html; charset=us-ascii",
          body: page("windows-1252", "Due")
        })
      )
    ).toBe(false)
    // Japanese mail in 7-bit ISO-2022-JP without a MIME label, as mail in Japan was long sent.
    expect(
      has(
        message({
          subject: "=?ISO-2022-JP?B?GyRCQ21KOBsoQg==?=",
          contentType: "text/plain",
          body: "\x1b$BCmJ8$r3NG'$7$^$7$?\x1b(B"
        })
      )
    ).toBe(false)
    // An English receipt from a template whose meta still says gb2312, sent under Latin-1: the
    // page is ASCII, so either label shows it right.
    expect(
      has(
        message({
          subject: "Your order",
          contentType: "text/html; charset=iso-8859-1",
          body: page("gb2312", "Total 12.00")
        })
      )
    ).toBe(false)
    // A bank statement notice labelled in UTF-8 whose page says Big5: UTF-8 fits any script.
    expect(
      has(message({ subject: "=?big5?B?p0Gmbg==?=", contentType: "text/html; charset=utf-8", body: page("big5", "x") }))
    ).toBe(false)
    // A text file attached without a charset, as Outlook attaches one, under a Chinese Subject.
    const attached = [
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=gb2312",
      "",
      GB,
      "--b",
      'Content-Type: text/plain; name="order.txt"',
      'Content-Disposition: attachment; filename="order.txt"',
      "",
      GB,
      "--b--"
    ].join("\r\n")
    expect(
      has(
        bytes(
          `From: a@shop.example\r\nTo: b@example.org\r\nSubject: =?gb2312?B?xOO6ww==?=\r\nMIME-Version: 1.0\r\n${attached}\r\n`
        )
      )
    ).toBe(false)
  })

  it("names charsets by script, UTF-8 and unknown names by none", () => {
    expect(charsetScript("ISO-8859-1")).toBe("latin")
    expect(charsetScript("ks_c_5601-1987")).toBe(charsetScript("euc-kr"))
    expect(charsetScript("chinesebig5")).toBe("zh-hant")
    expect(charsetScript("utf-8")).toBeUndefined()
    expect(charsetScript("3Dwindows-")).toBeUndefined()
    expect(charsetScript(undefined)).toBeUndefined()
  })

  const part: fc.Memo<MimePart> = fc.memo((n) =>
    fc.record({
      contentType: fc.oneof(fc.constantFrom("text/plain", "text/html", "image/gif"), fc.string({ maxLength: 30 })),
      charset: fc.option(
        fc.oneof(fc.constantFrom("gb2312", "iso-8859-1", "utf-8", "big5"), fc.string({ maxLength: 50 })),
        {
          nil: undefined
        }
      ),
      filename: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      headers: fc.constant(parse("").headers),
      body: fc.uint8Array({ maxLength: 300 }),
      children: n <= 1 ? fc.constant([]) : fc.array(part(n - 1), { maxLength: 3 }),
      start: fc.constant(0),
      end: fc.constant(0)
    })
  )

  test.prop([fc.option(fc.string({ maxLength: 300 }), { nil: undefined }), part(4)])(
    "never throws on any Subject and part tree",
    (subject, mime) => {
      expect(typeof charsetConflict(subject, mime)).toBe("boolean")
    }
  )

  test.prop([fc.uint8Array({ maxLength: 2000 })])("never throws through the tokenizer on any bytes", (raw) => {
    expect(Array.isArray(tokenize(parse(raw)).features)).toBe(true)
  })
})
