// dynamic_origin_html_only: an HTML-only message whose oldest public Received hop is a customer's
// line of an access provider (a generic name after the line or the address), on synthetic mail.
import { IpAddress } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { dynamicOrigin, looksDynamic, originHop } from "../../src/classifier/OriginHop.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

const ip = (text: string) => IpAddress.parse(text)!

const hop = (from: string, by = "mx.example.org") => `Received: from ${from} by ${by}; Mon, 1 Jun 2026 10:01:00 +0000`

const message = (received: ReadonlyArray<string>, type: "html" | "plain" | "alternative") => {
  const html = "<html><body><p>Great offer, <a href='http://shop.example.com/'>click here</a></p></body></html>"
  const body =
    type === "alternative"
      ? [
          'Content-Type: multipart/alternative; boundary="b"',
          "",
          "--b",
          "Content-Type: text/plain; charset=us-ascii",
          "",
          "Great offer, click here: http://shop.example.com/",
          "--b",
          "Content-Type: text/html; charset=us-ascii",
          "",
          html,
          "--b--"
        ]
      : [`Content-Type: text/${type}; charset=us-ascii`, "", type === "html" ? html : "Great offer, see the shop."]
  return [
    ...received,
    "From: Shop <news@shop.example.com>",
    "To: bob@example.org",
    "Subject: hello",
    "Date: Mon, 1 Jun 2026 10:00:00 +0000",
    "Message-ID: <abc123@shop.example.com>",
    "MIME-Version: 1.0",
    ...body,
    ""
  ].join("\r\n")
}

const features = (received: ReadonlyArray<string>, type: "html" | "plain" | "alternative") =>
  tokenize(parse(message(received, type))).features

const dslLine = hop("pc42 (adsl-203-0-113-42.dsl.example.net [203.0.113.42])")

describe("dynamic_origin_html_only", () => {
  it("HTML alone from a customer's line", () => {
    expect(features([dslLine], "html")).toContain("dynamic_origin_html_only")
    // The provider's submission server recorded the line; the hops above are the way to the reader.
    const submitted = [hop("smtp.example.net (smtp.example.net [198.51.100.5])"), dslLine]
    expect(features(submitted, "html")).toContain("dynamic_origin_html_only")
  })

  it("not when the message has a plain-text version, or is plain text", () => {
    expect(features([dslLine], "alternative")).not.toContain("dynamic_origin_html_only")
    expect(features([dslLine], "plain")).not.toContain("dynamic_origin_html_only")
  })

  it("not from a mail server's own name, from a line without a name, or with no chain", () => {
    const server = hop("mail.shop.example.com (mail.shop.example.com [198.51.100.7])")
    expect(features([server], "html")).not.toContain("dynamic_origin_html_only")
    // A server whose name also says what it serves is still a server.
    const named = hop("smtp-203-0-113-42.example.net (smtp-203-0-113-42.example.net [203.0.113.42])")
    expect(features([named], "html")).not.toContain("dynamic_origin_html_only")
    expect(features([hop("unknown (HELO shop) (203.0.113.42)")], "html")).not.toContain("dynamic_origin_html_only")
    expect(features([], "html")).not.toContain("dynamic_origin_html_only")
  })

  it("skips private and loopback hops: the origin is the oldest public one", () => {
    const inside = hop("pc7.dhcp.corp.example (pc7.dhcp.corp.example [192.168.1.7])")
    const local = hop("localhost (localhost [127.0.0.1])")
    const gateway = hop("gw.shop.example.com (mail.shop.example.com [198.51.100.7])")
    expect(features([gateway, inside, local], "html")).not.toContain("dynamic_origin_html_only")
    expect(features([dslLine, inside], "html")).toContain("dynamic_origin_html_only")
    expect(originHop(parse(message([gateway, inside, local], "html")).received)?.ip.text).toBe("198.51.100.7")
  })
})

// Host names and whether each looks like a customer's line at the given address.
const cases: ReadonlyArray<readonly [string, string, ReadonlyArray<string>, boolean]> = [
  [
    "names that carry the address",
    "203.0.113.42",
    [
      "203-0-113-42.example.net",
      "42.113.0.203.example.net",
      "c-203-0-113-42.hsd1.example.net",
      "host203-0-113-42.in-addr.example.com",
      "cb00712a.example.net",
      "h203000113042.example.net",
      "a0-113-42.example.net"
    ],
    true
  ],
  [
    "names after the line or a numbered address",
    "198.51.100.9",
    [
      "dialup-7.example.net",
      "ppp12.pool.example.net",
      "p977.as2.example.net",
      "dhcp-12.example.edu",
      "ip-1-2.example.net",
      "client17.cable.example.com",
      "static.customer.example.net"
    ],
    true
  ],
  [
    "not server names, registrable domains alone, IP literals or names without a domain",
    "203.0.113.42",
    [
      "mail.example.net",
      "mx1.dsl.example.net",
      "example.net",
      "example.net.",
      "www.example.com",
      "[203.0.113.42]",
      "203.0.113.42",
      "pc42",
      "localhost",
      "list.example.org",
      "203-0-113-42.mail.example.net"
    ],
    false
  ]
]

describe("looksDynamic", () => {
  for (const [title, address, names, dynamic] of cases)
    it(title, () => {
      for (const name of names) expect(looksDynamic(name, ip(address)), name).toBe(dynamic)
    })

  it("the address must be there in order: two octets, or other numbers, are not it", () => {
    const a = ip("203.0.113.42")
    expect(looksDynamic("srv-113-42.example.net", a)).toBe(false)
    expect(looksDynamic("node-10-20-30.example.net", a)).toBe(false)
  })

  // Arbitrary names never throw; a name without digits and without a word of the schemes never
  // looks dynamic, whatever the address.
  test.prop([fc.string({ maxLength: 300 }), fc.ipV4()])("never throws", (name, address) => {
    expect(typeof looksDynamic(name, ip(address))).toBe("boolean")
  })
  test.prop([
    fc.array(fc.constantFrom("www", "shop", "news", "alpha", "corp", "lists", "web"), { minLength: 1, maxLength: 4 }),
    fc.ipV4()
  ])("plain words are not a customer's line", (labels, address) => {
    expect(looksDynamic(`${labels.join(".")}.example.com`, ip(address))).toBe(false)
  })
  test.prop([fc.array(fc.string({ maxLength: 80 }), { maxLength: 6 })])("dynamicOrigin never throws", (fields) => {
    const received = fields.map((f, i) => ({ index: i, raw: f, helo: f, rdns: f, ip: "203.0.113.42" }))
    expect(typeof dynamicOrigin(received)).toBe("boolean")
  })
})
