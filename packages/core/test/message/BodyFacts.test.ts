import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { fromBytes } from "../../src/message/index.ts"
import { envelope, latin1, msg } from "./support.ts"

describe("body facts", () => {
  it("collects texts, HTML, URLs, hosts, IPs and attachments from a realistic spam", () => {
    const m = fromBytes(
      msg([
        "Received: from x.example (unknown [198.51.100.5]) by mx.example (Postfix) with ESMTP id Z",
        "From: =?utf-8?q?Bank?= <alerts@bank-secure.example.com>",
        "Subject: Account notice",
        'Content-Type: multipart/mixed; boundary="m"',
        "",
        "--m",
        "Content-Type: multipart/alternative; boundary=a",
        "",
        "--a",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Verify at www.bank-secure.example.com/verify, or http://3232235777/x (also hxxp://no.example).",
        "Mirror: https://[2001:db8::5]:8443/p; server 203.0.113.77 and 2001:db8:0:0::9 ; time 12:30:45.",
        "Contact support@helpdesk.example.org. Not hosts: readme.txt e.g. version 1.2.3",
        "--a",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        '<html><body><p>Dear&nbsp;customer,</p><a href=3D"http://0x7f.0.0.1/login">https://www.paypal.com/</a>',
        '<img src=3D"http://tracker.example.net/p.gif?id=3D1"><form action=3D"ftp://drop.example.co.uk/in"></form>',
        "<a href=3D'mailto:x@example.com'>mail</a><a href=3D'/relative'>rel</a></body></html>",
        "--a--",
        "--m",
        'Content-Type: application/zip; name="invoice.zip"',
        "Content-Transfer-Encoding: base64",
        "",
        "UEsDBAoAAAAAAA==",
        "--m",
        "Content-Type: image/png",
        "Content-Disposition: inline",
        "",
        "PNG",
        "--m--",
        ""
      ]),
      { envelope }
    )
    const f = m.body
    expect(f.texts[0]).toContain("Verify at www.bank-secure.example.com/verify")
    expect(f.texts[1]).toBe("Dear customer,\nhttps://www.paypal.com/\nmailrel")
    expect(f.htmls[0]).toContain('<a href="http://0x7f.0.0.1/login">')
    expect(f.urls).toEqual([
      "www.bank-secure.example.com/verify",
      "http://3232235777/x",
      "https://[2001:db8::5]:8443/p",
      "http://0x7f.0.0.1/login",
      "http://tracker.example.net/p.gif?id=1",
      "ftp://drop.example.co.uk/in",
      "https://www.paypal.com/"
    ])
    // `no.example` and `readme.txt` are not hosts: `.example` and `.txt` are no public suffixes.
    expect(f.hosts).toEqual([
      "www.bank-secure.example.com",
      "helpdesk.example.org",
      "tracker.example.net",
      "drop.example.co.uk",
      "example.com", // from the mailto: link
      "www.paypal.com"
    ])
    expect(f.ips).toEqual(["192.168.1.1", "2001:db8::5", "203.0.113.77", "2001:db8::9", "127.0.0.1"])
    expect(f.attachments).toEqual([
      { filename: "invoice.zip", contentType: "application/zip", size: 10 },
      { filename: undefined, contentType: "image/png", size: 3 }
    ])
    expect(f.limitsHit).toBe(false)
  })

  it("decodes declared charsets, undeclared 8-bit as UTF-8 then latin1", () => {
    const one = (ct: string, body: Uint8Array) =>
      fromBytes(new Uint8Array([...new TextEncoder().encode(`${ct}\r\n\r\n`), ...body]), { envelope }).body.texts[0]
    expect(one("Content-Type: text/plain; charset=koi8-r", Uint8Array.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]))).toBe(
      "Привет"
    )
    expect(one("Subject: x", new TextEncoder().encode("naïve"))).toBe("naïve")
    expect(one("Subject: x", latin1("na\u00efve"))).toBe("naïve")
    expect(one("Content-Type: text/plain; charset=x-no-such", latin1("na\u00efve"))).toBe("naïve")
  })

  it("caps URL lists and scanned text", () => {
    const urls = Array.from({ length: 3000 }, (_, i) => `http://h${i}.example.com/`).join("\n")
    const m = fromBytes(msg(["Subject: many", "", urls]), { envelope, limits: { maxUrls: 100 } })
    expect(m.body.urls.length).toBe(100)
    expect(m.body.hosts.length).toBe(100)
    const s = fromBytes(msg(["Subject: s", "", `${"x".repeat(100)} http://late.example.com/`]), {
      envelope,
      limits: { maxScanChars: 50 }
    })
    expect(s.body.urls).toEqual([])
  })

  it("is lazy: reading headers parses no MIME and decodes no body", () => {
    const m = fromBytes(
      msg(["Subject: lazy", "Content-Type: multipart/mixed; boundary=b", "", "--b", "", "x", "--b--"]),
      { envelope }
    )
    expect(m.headers.get("subject")).toBe("lazy")
    expect(Reflect.get(m, "walkCache")).toBeUndefined()
    expect(Reflect.get(m, "bodyCache")).toBeUndefined()
    expect(m.mime.children).toHaveLength(1)
    expect(m.body).toBe(m.body)
    expect(m.received).toBe(m.received)
  })

  it("reports size and truncation of the scan view", () => {
    const view = msg(["Subject: t", "", "abc"])
    const whole = fromBytes(view, { envelope })
    expect([whole.size, whole.scanTruncated]).toEqual([view.length, false])
    const cut = fromBytes(view, { envelope, size: 10_000 })
    expect([cut.size, cut.scanTruncated]).toEqual([10_000, true])
  })

  const line = fc.oneof(
    fc.webUrl(),
    fc.domain(),
    fc.ipV4(),
    fc.ipV6(),
    fc.emailAddress(),
    fc.string({ maxLength: 30 }),
    fc.constantFrom("www.", "http://", "<a href=", "&#x", "[", "]", "::", "..", "0x", "@")
  )
  test.prop([fc.array(line, { maxLength: 40 }).map((ls) => ls.join(" "))])(
    "never throws; every IP is normalised and every host lower-case",
    (body) => {
      const f = fromBytes(msg(["Content-Type: text/html", "", body]), { envelope }).body
      const g = fromBytes(msg(["", body]), { envelope }).body
      for (const facts of [f, g]) {
        for (const h of facts.hosts) expect(h).toBe(h.toLowerCase())
        expect(new Set(facts.urls).size).toBe(facts.urls.length)
      }
    }
  )
})

describe("charsets that look like ASCII", () => {
  it("decodes 7-bit ISO-2022-JP and UTF-16 text through the decoder", () => {
    const jis = Uint8Array.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42]) // 日本
    const one = (cs: string, body: Uint8Array) =>
      fromBytes(
        new Uint8Array([...new TextEncoder().encode(`Content-Type: text/plain; charset=${cs}\r\n\r\n`), ...body]),
        { envelope }
      ).body.texts[0]
    expect(one("iso-2022-jp", jis)).toBe("日本")
    expect(one("utf-16le", Uint8Array.from([0x68, 0, 0x69, 0]))).toBe("hi")
  })
})
