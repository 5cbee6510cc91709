import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as IpAddress from "../../src/dns/IpAddress.ts"
import { Received } from "../../src/message/index.ts"

const cases: ReadonlyArray<
  readonly [string, string, { helo?: string; rdns?: string; ip?: string; by?: string; date?: string }]
> = [
  [
    "Postfix",
    "from mail.sender.example (mail.sender.example [192.0.2.10]) by mx.rcpt.example (Postfix) with ESMTPS id 4ABC for <u@rcpt.example>; Mon, 1 Jan 2024 10:00:00 +0000 (UTC)",
    {
      helo: "mail.sender.example",
      rdns: "mail.sender.example",
      ip: "192.0.2.10",
      by: "mx.rcpt.example",
      date: "Mon, 1 Jan 2024 10:00:00 +0000 (UTC)"
    }
  ],
  [
    "Postfix, no rDNS",
    "from helo.example (unknown [198.51.100.7]) by mx.example (Postfix) with SMTP id X",
    { helo: "helo.example", ip: "198.51.100.7", by: "mx.example" }
  ],
  [
    "Postfix, IPv6 and forged HELO literal",
    "from [10.0.0.1] (host.example [IPv6:2001:DB8::0:1]) by mx.example (Postfix) with ESMTP id Y; Tue, 2 Jan 2024 00:00:00 +0000",
    { helo: "[10.0.0.1]", rdns: "host.example", ip: "2001:db8::1", by: "mx.example" }
  ],
  [
    "Sendmail with ident and may-be-forged",
    "from helo.example (user@Rdns.Example [203.0.113.5] (may be forged)) by mx.example (8.14.4/8.14.4) with ESMTP id q1; Wed, 3 Jan 2024 01:02:03 -0500",
    { helo: "helo.example", rdns: "rdns.example", ip: "203.0.113.5", by: "mx.example" }
  ],
  [
    "Sendmail literal",
    "from [203.0.113.6] ([203.0.113.6]) by mx.example (8.13.1/8.13.1) id abc",
    { helo: "[203.0.113.6]", ip: "203.0.113.6", by: "mx.example" }
  ],
  [
    "Exim",
    "from rdns.example ([192.0.2.20]:51234 helo=claimed.example) by mx.example with esmtps (TLS1.3) (Exim 4.96) (envelope-from <a@b.example>) id 1abc; Thu, 04 Jan 2024 12:00:00 +0100",
    { helo: "claimed.example", rdns: "rdns.example", ip: "192.0.2.20", by: "mx.example" }
  ],
  [
    "Exim, no rDNS",
    "from [192.0.2.21] (port=40000 helo=[192.168.0.5]) by mx.example with esmtp (Exim 4.94) id 1x",
    { helo: "[192.168.0.5]", ip: "192.0.2.21", by: "mx.example" }
  ],
  [
    "Exim classic",
    "from rdns.example (claimed.example) [192.0.2.22] by mx.example with smtp (Exim 3.36 #1) id 1y",
    { helo: "claimed.example", rdns: "rdns.example", ip: "192.0.2.22", by: "mx.example" }
  ],
  [
    "qmail",
    "from unknown (HELO claimed.example) (198.51.100.30) by mx.example with SMTP; 5 Jan 2024 10:00:00 -0000",
    { helo: "claimed.example", ip: "198.51.100.30", by: "mx.example", date: "5 Jan 2024 10:00:00 -0000" }
  ],
  [
    "qmail with rDNS and ident",
    "from rdns.example (HELO claimed.example) (user@198.51.100.31) by mx.example with SMTP",
    { helo: "claimed.example", rdns: "rdns.example", ip: "198.51.100.31", by: "mx.example" }
  ],
  [
    "qmail invoked",
    "(qmail 12345 invoked by uid 89); 5 Jan 2024 10:00:00 -0000",
    { date: "5 Jan 2024 10:00:00 -0000" }
  ],
  [
    "Exchange",
    "from EXCH01.corp.example (10.1.2.3) by EXCH02.corp.example (10.1.2.4) with Microsoft SMTP Server (version=TLS1_2) id 15.1.2507.27; Fri, 5 Jan 2024 08:00:00 +0000",
    { helo: "EXCH01.corp.example", ip: "10.1.2.3", by: "EXCH02.corp.example" }
  ],
  [
    "Exchange Online IPv6",
    "from AM0PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:208:ac::12) by AM0PR01MB5678.eurprd01.prod.exchangelabs.com with HTTPS",
    {
      helo: "AM0PR01MB1234.eurprd01.prod.exchangelabs.com",
      ip: "2603:10a6:208:ac::12",
      by: "AM0PR01MB5678.eurprd01.prod.exchangelabs.com"
    }
  ],
  [
    "Gmail inbound",
    "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id a1sor; Sat, 06 Jan 2024 09:00:00 -0800 (PST)",
    { helo: "mail-sor-f41.google.com", rdns: "mail-sor-f41.google.com", ip: "209.85.220.41", by: "mx.google.com" }
  ],
  [
    "Gmail internal",
    "by 2002:a05:6a10:a0d1:b0:4b1:2c3e:1d2f with SMTP id d17csp123; Sat, 6 Jan 2024 09:00:01 -0800 (PST)",
    { by: "2002:a05:6a10:a0d1:b0:4b1:2c3e:1d2f" }
  ],
  [
    "IPv4-mapped",
    "from h.example (h.example [IPv6:::ffff:192.0.2.99]) by mx.example",
    { helo: "h.example", rdns: "h.example", ip: "192.0.2.99", by: "mx.example" }
  ]
]

describe("Received.parse", () => {
  it.each(cases)("%s", (_name, raw, expected) => {
    const hop = Received.parse(raw, 3)
    expect(hop.index).toBe(3)
    expect(hop.raw).toBe(raw)
    for (const k of ["helo", "rdns", "ip", "by"] as const) expect(hop[k], k).toBe(expected[k])
    if (expected.date) expect(hop.date).toBe(expected.date)
  })

  it("examines at most 4 KiB of a huge field (header bomb)", () => {
    const raw = `from a.example (a.example [192.0.2.1]) by b.example ${"(x) ".repeat(2_000_000)}`
    const hop = Received.parse(raw, 0)
    expect(hop.ip).toBe("192.0.2.1")
    expect(hop.raw).toBe(raw)
  })

  const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 }))
  const token = fc.oneof(
    fc.string({ maxLength: 12 }),
    ip.map((x) => `[${x}]`),
    ip.map((x) => `[IPv6:${x}]`),
    ip.map((x) => `(${x})`),
    fc.constantFrom("from", "by", "with", "id", "for", "helo=", "HELO", "(", ")", "[", "]", ";", "unknown", "@")
  )
  test.prop([fc.array(token, { maxLength: 25 }).map((ts) => ts.join(" ")), fc.nat(100)])(
    "never throws and every extracted ip is a valid, normalised address",
    (raw, index) => {
      const hop = Received.parse(raw, index)
      if (hop.ip !== undefined) expect(IpAddress.parse(hop.ip)?.text).toBe(hop.ip)
    }
  )

  test.prop([fc.string({ maxLength: 500 })])("never throws on arbitrary strings", (raw) => {
    const hop = Received.parse(raw, 0)
    if (hop.ip !== undefined) expect(IpAddress.isIp(hop.ip)).toBe(true)
  })
})
