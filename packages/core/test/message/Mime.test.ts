import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { MimePart } from "../../src/index.ts"
import * as Base64 from "../../src/message/Base64.ts"
import * as HeaderParams from "../../src/message/HeaderParams.ts"
import { fromBytes } from "../../src/message/index.ts"
import * as QuotedPrintable from "../../src/message/QuotedPrintable.ts"
import { envelope, msg } from "./support.ts"

const text = (b: Uint8Array) => new TextDecoder().decode(b)
const shape = (p: MimePart): unknown =>
  p.children.length === 0 ? p.contentType : { [p.contentType]: p.children.map(shape) }

const mixed = [
  "From: a@example.com",
  "Subject: nested",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="outer"',
  "",
  "This is the preamble.",
  "--outer",
  'Content-Type: multipart/alternative; boundary="inner"',
  "",
  "--inner",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Gr=C3=BC=C3=9Fe, see http://example.com/a =",
  "and more",
  "--inner",
  "Content-Type: text/html; charset=iso-8859-1",
  "",
  '<p>Caf\u00e9 <a href="https://www.example.org/x?a=1&amp;b=2">here</a></p>',
  "--inner--",
  "",
  "--outer",
  "Content-Type: application/pdf; name=ignored.pdf",
  "Content-Disposition: attachment; filename*0*=utf-8''%E2%82%AC%20; filename*1=\"report.pdf\"",
  "Content-Transfer-Encoding: base64",
  "",
  "JVBERi0x",
  "LjQK",
  "--outer",
  "Content-Type: message/rfc822",
  "",
  "From: inner@example.net",
  "Subject: forwarded",
  "",
  "inner body",
  "--outer--",
  "epilogue is ignored"
]

describe("MIME walker", () => {
  it("walks nested multiparts and message/rfc822, decodes bodies and params", () => {
    for (const eol of ["\r\n", "\n"]) {
      const bytes = msg(mixed, eol)
      const m = fromBytes(bytes, { envelope })
      expect(shape(m.mime)).toEqual({
        "multipart/mixed": [
          { "multipart/alternative": ["text/plain", "text/html"] },
          "application/pdf",
          { "message/rfc822": ["text/plain"] }
        ]
      })
      const [alt, pdf, rfc822] = m.mime.children
      expect(text(alt!.children[0]!.body)).toBe(`Grüße, see http://example.com/a and more`)
      expect(alt!.children[1]!.charset).toBe("iso-8859-1")
      expect(pdf!.filename).toBe("€ report.pdf")
      expect(pdf!.typeName).toBe("ignored.pdf")
      expect(pdf!.disposition).toBe("attachment")
      expect(pdf!.transferEncoding).toBe("base64")
      expect(text(pdf!.body)).toBe("%PDF-1.4\n")
      const inner = rfc822!.children[0]!
      expect(inner.headers.get("subject")).toBe("forwarded")
      expect(text(inner.body)).toBe("inner body")
      // Byte ranges point into the scan view.
      expect(text(bytes.subarray(inner.start, inner.end))).toBe(
        ["From: inner@example.net", "Subject: forwarded", "", "inner body"].join(eol)
      )
      expect(m.mime.start).toBe(0)
      expect(m.mime.end).toBe(bytes.length)
      expect(m.body.limitsHit).toBe(false)
    }
  })

  it("tolerates a missing final boundary, boundary look-alikes and transport padding", () => {
    const m = fromBytes(
      msg([
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b  ",
        "",
        "one",
        "--bx not a delimiter",
        "--b",
        "Content-Type: text/plain",
        "",
        "two (truncated, no close)"
      ]),
      { envelope }
    )
    expect(m.mime.children.map((p) => text(p.body))).toEqual([
      "one\r\n--bx not a delimiter",
      "two (truncated, no close)"
    ])
  })

  it("defaults: text/plain without Content-Type, message/rfc822 inside multipart/digest", () => {
    const m = fromBytes(
      msg(["Content-Type: multipart/digest; boundary=d", "", "--d", "", "Subject: in digest", "", "x", "--d--"]),
      { envelope }
    )
    expect(shape(m.mime)).toEqual({ "multipart/digest": [{ "message/rfc822": ["text/plain"] }] })
    expect(fromBytes(msg(["Subject: s", "", "hi"]), { envelope }).mime.contentType).toBe("text/plain")
    expect(fromBytes(msg(["Content-Type: garbage", "", "hi"]), { envelope }).mime.contentType).toBe("text/plain")
  })

  it("stops at the part cap (2 000 000 one-byte-boundary parts, TESTING #22)", () => {
    const body = "--a\r\n\r\n".repeat(200_000)
    const m = fromBytes(new TextEncoder().encode(`Content-Type: multipart/mixed; boundary=a\r\n\r\n${body}`), {
      envelope
    })
    expect(m.mime.children.length).toBe(499)
    expect(m.body.limitsHit).toBe(true)
  })

  it("stops at the depth cap without recursion (10 000 nested multiparts and rfc822, TESTING #23)", () => {
    const nested = Array.from(
      { length: 10_000 },
      (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`
    ).join("")
    const m = fromBytes(new TextEncoder().encode(nested), { envelope })
    let depth = 0
    for (let p: MimePart | undefined = m.mime; p && p.children.length > 0; p = p.children[0]) depth++
    expect(depth).toBe(20)
    expect(m.body.limitsHit).toBe(true)
    const rfc = "Content-Type: message/rfc822\r\n\r\n".repeat(10_000)
    const r = fromBytes(new TextEncoder().encode(rfc), { envelope, limits: { maxDepth: 5 } })
    expect(r.body.limitsHit).toBe(true)
  })

  it("bounds decoded bytes per part and in total, in tree order", () => {
    const parts = ["a", "b", "c"]
      .map((c) => `--x\r\nContent-Type: application/octet-stream\r\n\r\n${c.repeat(100)}`)
      .join("\r\n")
    const m = fromBytes(
      new TextEncoder().encode(`Content-Type: multipart/mixed; boundary=x\r\n\r\n${parts}\r\n--x--\r\n`),
      {
        envelope,
        limits: { maxPartBytes: 80, maxTotalBytes: 150 }
      }
    )
    expect(m.mime.children.map((p) => p.body.length)).toEqual([80, 70, 0])
    expect(m.body.limitsHit).toBe(true)
    expect(m.body.attachments.map((a) => a.size)).toEqual([80, 70, 0])
  })

  it("parses RFC 2231 / RFC 2047 parameters and bounds them", () => {
    expect(HeaderParams.parse(`attachment; filename*=iso-8859-1'fr'caf%E9.txt`).params.get("filename")).toBe("café.txt")
    expect(HeaderParams.parse(`inline; filename="=?UTF-8?B?w6kudHh0?="`).params.get("filename")).toBe("é.txt")
    expect(HeaderParams.parse(`text/Plain; Charset="UTF-8"; x="a;b\\"c"`)).toEqual({
      value: "text/plain",
      params: new Map([
        ["charset", "UTF-8"],
        ["x", 'a;b"c']
      ])
    })
    // 100 000 continuations (Dovecot CVE-2026-27859): only the first 64 parameters are used.
    const many = `x/y${Array.from({ length: 100_000 }, (_, i) => `;p*${i}*=a`).join("")}`
    expect(HeaderParams.parse(many).params.get("p")).toBe("a".repeat(64))
    const spaced = `x/y${";".repeat(200_000)}a=b`
    expect(HeaderParams.parse(spaced).params.get("a")).toBe("b")
  })

  test.prop([
    fc.array(
      fc.oneof(
        fc.constantFrom("text/plain; charset=utf-8", "inline", `attachment; filename*=iso-8859-1'fr'caf%E9.txt`),
        fc.string({ maxLength: 40 }),
        fc.string({ minLength: 250, maxLength: 300 }).map((s) => `x/y; name="${s}"`)
      ),
      { maxLength: 20 }
    )
  ])("parameters from the memo of recent values are what a new parse gives", (values) => {
    for (const v of [...values, ...values, undefined])
      expect(HeaderParams.parse(v)).toEqual(HeaderParams.parseUncached(v))
  })

  test.prop([fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/[\0\r\n]/.test(s) && s.trim() === s)])(
    "a part's Content-Type name is decoded as its Content-Disposition filename (RFC 2231 or RFC 2047)",
    (name) => {
      const utf8 = Buffer.from(name, "utf8")
      const rfc2231 = `utf-8''${[...utf8].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")}`
      const rfc2047 = `=?utf-8?B?${utf8.toString("base64")}?=`
      for (const [type, disposition] of [
        [`name*=${rfc2231}`, `filename="${rfc2047}"`],
        [`name="${rfc2047}"`, `filename*=${rfc2231}`]
      ]) {
        const lines = [
          "From: a@example.com",
          'Content-Type: multipart/mixed; boundary="b"',
          "",
          "--b",
          `Content-Type: application/octet-stream; ${type}`,
          `Content-Disposition: attachment; ${disposition}`,
          "",
          "x",
          "--b--"
        ]
        const part = fromBytes(msg(lines, "\r\n"), { envelope }).mime.children[0]!
        expect(part.typeName).toBe(name)
        expect(part.filename).toBe(name)
      }
    }
  )

  it("decodes base64 with garbage and mid-stream padding, and quoted-printable soft breaks", () => {
    expect(text(Base64.decode("SGVs!!bG8\r\n gd2\x00 9ybGQ="))).toBe("Hello world")
    expect(text(Base64.decode("QQ==QkM="))).toBe("ABC")
    expect(text(QuotedPrintable.decode("a=3Db=\r\nc=\nd =  \r\ne\t \r\n=zz=4"))).toBe("a=bcd e\r\n=zz=4")
  })

  test.prop([fc.uint8Array({ maxLength: 3000 })])("base64 and quoted-printable round-trip", (b) => {
    expect(Base64.decode(Base64.encode(b))).toEqual(b)
    const qp = QuotedPrintable.encode(b)
    expect(QuotedPrintable.decode(qp)).toEqual(b)
    for (const line of qp.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76)
  })

  const token = fc.oneof(
    fc.constantFrom(
      "--b",
      "--b--",
      "--c",
      "\r\n",
      "\n",
      "Content-Type: multipart/mixed; boundary=c\r\n",
      "Content-Type: message/rfc822\r\n"
    ),
    fc.constantFrom(
      "Content-Transfer-Encoding: base64\r\n",
      "Content-Transfer-Encoding: quoted-printable\r\n",
      "=\r\n",
      "=4"
    ),
    fc.string({ maxLength: 20 })
  )
  test.prop([fc.array(token, { maxLength: 60 })])(
    "never throws on MIME-shaped junk; ranges stay inside the view",
    (tokens) => {
      const bytes = new TextEncoder().encode(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${tokens.join("")}`)
      const m = fromBytes(bytes, { envelope })
      const visit = (p: MimePart) => {
        expect(p.start).toBeGreaterThanOrEqual(0)
        expect(p.end).toBeLessThanOrEqual(bytes.length)
        expect(p.start).toBeLessThanOrEqual(p.end)
        expect(p.body.length).toBeLessThanOrEqual(bytes.length)
        p.children.forEach(visit)
      }
      visit(m.mime)
      m.body
    }
  )

  test.prop([fc.uint8Array({ maxLength: 4000 })])(
    "fromBytes never throws on arbitrary bytes (every fact read)",
    (b) => {
      const m = fromBytes(b, { envelope })
      m.headers.list
      m.received
      m.mime.body
      const f = m.body
      expect(f.texts.length).toBeGreaterThanOrEqual(0)
    }
  )
})
