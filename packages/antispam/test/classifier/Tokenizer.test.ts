import { fc, test } from "@fast-check/vitest"
import type { Message } from "@mailmoat/core"
import { describe, expect, it } from "vitest"
import { parseMessage, stripMboxFrom } from "../../src/classifier/Corpus.ts"
import { MAX_TOKENS, tokenize } from "../../src/classifier/Tokenizer.ts"
import { words } from "../../src/classifier/Words.ts"
import { parse, rfc822 } from "./support.ts"

const headerLine = fc.tuple(
  fc.constantFrom(
    "Subject",
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Content-Type",
    "Message-ID",
    "Date",
    "X-Mailer",
    "Received",
    "References",
    "X-Spam-Status"
  ),
  fc.string({ maxLength: 200 })
)
const messageText = fc
  .tuple(fc.array(headerLine, { maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 3000 }))
  .map(([hs, body]) => `${hs.map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n${body}`)

describe("tokenize", () => {
  test.prop([fc.uint8Array({ maxLength: 4000 })])(
    "never throws on arbitrary bytes, bounded and deterministic",
    (bytes) => {
      const a = tokenize(parse(bytes))
      const b = tokenize(parse(bytes))
      expect(a.tokens.length).toBeLessThanOrEqual(MAX_TOKENS)
      expect(a).toEqual(b)
      for (const t of a.tokens) expect(t).not.toMatch(/[\t\r\n]/)
    }
  )

  test.prop([messageText])("never throws on arbitrary header/body text; tokens are distinct", (text) => {
    const t = tokenize(parse(text))
    expect(new Set(t.tokens).size).toBe(t.tokens.length)
    expect(t.tokens.length).toBeLessThanOrEqual(MAX_TOKENS)
    expect(tokenize(parse(text))).toEqual(t)
  })

  test.prop([
    fc.record({
      subject: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
      texts: fc.array(fc.string({ maxLength: 500 }), { maxLength: 4 }),
      htmls: fc.array(fc.string({ maxLength: 500 }), { maxLength: 3 }),
      urls: fc.array(fc.webUrl(), { maxLength: 20 }),
      hosts: fc.array(fc.domain(), { maxLength: 20 }),
      names: fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 })
    })
  ])("never throws on arbitrary Message-like values", (r) => {
    const headers = {
      list: [],
      get: (n: string) => (n.toLowerCase() === "subject" ? r.subject : undefined),
      getAll: () => [],
      decoded: (n: string) => (n.toLowerCase() === "subject" ? r.subject : undefined)
    }
    const message = {
      envelope: parse("").envelope,
      size: 0,
      headers,
      scanView: new Uint8Array(),
      scanTruncated: false,
      received: [],
      mime: { contentType: "text/html", headers, body: new Uint8Array(), children: [], start: 0, end: 0 },
      body: {
        texts: r.texts,
        htmls: r.htmls,
        urls: r.urls,
        hosts: r.hosts,
        ips: [],
        attachments: r.names.map((filename) => ({ filename, contentType: "application/octet-stream", size: 1 })),
        limitsHit: false
      }
    } satisfies Message
    const t = tokenize(message)
    expect(t.tokens.length).toBeLessThanOrEqual(MAX_TOKENS)
    expect(t.features).toEqual([...t.features].sort())
  })

  it("stays linear on hostile runs (long words, punctuation, tags without '>', headers without '@')", () => {
    const run = (s: string, n: number) => s.repeat(n)
    const html = `<html><body>${run("<a href=x ", 20_000)}${run("<font size=7 ", 10_000)}${run("-", 100_000)}</body></html>`
    const text = rfc822({
      subject: run("[", 5000),
      body: html,
      html: true,
      extra: `Cc: ${run("a", 100_000)}\r\nReply-To: ${run("x.", 50_000)}`
    })
    const t = tokenize(parse(text))
    expect(t.tokens.length).toBeLessThanOrEqual(MAX_TOKENS)
    const plain = tokenize(parse(rfc822({ subject: "x", body: `${run("!", 150_000)} ${run("word", 40_000)}` })))
    expect(plain.tokens).toContain("skip:! 100")
  })

  it("strips the mbox From line of corpus files before parsing", () => {
    const text = `From spammer@bulk.example  Mon Jun  3 10:00:00 2002\n${rfc822({ subject: "quarterly report", body: "numbers attached" })}`
    const bytes = new TextEncoder().encode(text)
    expect(new TextDecoder().decode(stripMboxFrom(bytes)).startsWith("From: Alice")).toBe(true)
    const t = tokenize(parseMessage(bytes))
    expect(t.tokens).toContain("subj:quarterly")
    expect(t.tokens.some((x) => x.includes("bulk.example") || x.includes("spammer"))).toBe(false)
  })

  it("bounds a huge body", () => {
    const body = Array.from({ length: 200_000 }, (_, i) => `w${i.toString(36)}x`).join(" ")
    const t = tokenize(parse(rfc822({ subject: "big", body })))
    expect(t.tokens.length).toBe(MAX_TOKENS)
    expect(t.tokens).toContain("subj:big") // headers come first, a long body cannot crowd them out
  })

  it("ignores filter artefacts: X-Spam headers and subject tags never become tokens", () => {
    const text = rfc822({
      subject: "[SPAM] [ILUG] *****SPAM***** hello world",
      body: "plain words here",
      extra: "X-Spam-Status: Yes, score=99\r\nX-Virus-Scanned: clean"
    })
    const t = tokenize(parse(text))
    expect(t.tokens.some((x) => /spam|ilug|virus/i.test(x))).toBe(false)
    expect(t.tokens).toContain("subj:hello")
    expect(t.tokens).toContain("subj:world")
  })

  it("strips nothing it should keep and finds structural tricks", () => {
    const html = `<html><body><p>Buy n<!-- x -->ow</p><a href="http://198.51.100.9/login">http://www.mybank.example</a><span style="display:none">hidden words</span></body></html>`
    const t = tokenize(
      parse(
        rfc822({ subject: "FREE MONEY FOR YOU NOW", body: html, html: true, extra: "To: undisclosed-recipients:;" })
      )
    )
    expect(t.features).toEqual(
      expect.arrayContaining([
        "html_only",
        "url_ip_literal",
        "url_text_mismatch",
        "html_comment_in_word",
        "html_hidden_text",
        "subject_all_caps"
      ])
    )
    expect(t.tokens).toContain("feat:url_ip_literal")
  })

  it("keeps no era markers: URL path words, Message-ID shapes, long numbers", () => {
    const body = `Order 20021104123456789 shipped, ref ${"7".repeat(80)}. Track http://shop.example.com/click/images/track.jpg?id=1 antidisestablishment`
    const t = tokenize(parse(rfc822({ subject: "your order", body })))
    expect(t.tokens).toContain("url:dom:example.com")
    expect(t.tokens).toContain("skip:a 20") // a long word still counts; a long number does not
    expect(t.tokens.filter((x) => /^(?:url:path:|mid:shape|skip:\d)/.test(x))).toEqual([])
    expect(words("call 0800123456789 or visit unbelievably-cheap-offers")).toEqual(["call", "visit", "skip:u 20"])
  })

  it("sees invisible characters and mixed scripts", () => {
    const t = tokenize(parse(rfc822({ subject: "p\u0430yp\u0430l account", body: "ver\u200Bify your acc\u200Bount" })))
    expect(t.features).toEqual(expect.arrayContaining(["subject_mixed_scripts", "body_invisible"]))
  })
})

describe("Received hops", () => {
  const received = (hops: ReadonlyArray<string>): Message =>
    parse(rfc822({ subject: "hello", body: "see you tomorrow", extra: hops.map((h) => `Received: ${h}`).join("\r\n") }))
  const rcvd = (m: Message): Array<string> => tokenize(m).tokens.filter((t) => t.startsWith("rcvd:"))

  it("name hosts only of the origin, the oldest hop: the hops above it are the way to the reader", () => {
    const m = received([
      "from mx.listhost.org (mx.listhost.org [198.51.100.7]) by mail.reader.example (Postfix) with ESMTP id 1; Mon, 1 Jun 2026 10:00:03 +0000",
      "from relay.listhost.org (relay.listhost.org [198.51.100.9]) by mx.listhost.org with ESMTP id 2; Mon, 1 Jun 2026 10:00:02 +0000",
      "from smtp.sendermail.com (out.sendermail.com [203.0.113.5]) by relay.listhost.org with ESMTP id 3; Mon, 1 Jun 2026 10:00:01 +0000"
    ])
    expect(rcvd(m)).toEqual(["rcvd:dom:sendermail.com"])
  })

  it("still note a bare IP as HELO on any hop", () => {
    const m = received([
      "from mx.isp.example.net (mx.isp.example.net [198.51.100.7]) by mail.reader.example with ESMTP id 1; Mon, 1 Jun 2026 10:00:03 +0000",
      "from [192.0.2.44] (host.isp.example.net [198.51.100.8]) by mx.isp.example.net with ESMTP id 2; Mon, 1 Jun 2026 10:00:02 +0000",
      "from pc.home.example (pc.home.example [203.0.113.5]) by 192.0.2.44 with SMTP id 3; Mon, 1 Jun 2026 10:00:01 +0000"
    ])
    expect(rcvd(m).sort()).toEqual(["rcvd:dom:home.example", "rcvd:helo-ip"])
  })

  it("give no token for the training corpus's collection hosts, even as the origin", () => {
    const m = received([
      "from dogma.slashnull.org (localhost [127.0.0.1]) by dogma.slashnull.org (8.11.6/8.11.6) with ESMTP id g8QFSqg24502; Thu, 26 Sep 2002 16:28:52 +0100"
    ])
    expect(rcvd(m)).toEqual([])
    const n = received([
      "from mail.webnote.net (mail.webnote.net [193.120.211.219]) by dogma.slashnull.org with ESMTP id 1; Thu, 26 Sep 2002 16:28:52 +0100"
    ])
    expect(rcvd(n)).toEqual([])
  })
})
