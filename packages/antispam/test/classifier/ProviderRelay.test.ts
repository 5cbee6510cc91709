// web_mail_unrelayed: a web-mail provider named in From or Message-ID that no Received hop names.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { webMailUnrelayed } from "../../src/classifier/ProviderRelay.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

const bot =
  "Received: from pc42 (dsl-42.broadband.example.com [203.0.113.42]) by mx.example.org; Mon, 1 Jun 2026 10:01:00 +0000"
const hotmailRelay =
  "Received: from hotmail.com (bay4-f12.bay4.hotmail.com [65.54.171.12]) by mx.example.org; Mon, 1 Jun 2026 10:01:00 +0000"
const msnRelay =
  "Received: from mail.example.org (mail.example.org [192.0.2.5]) by mx.example.org; Mon, 1 Jun 2026 10:02:00 +0000\r\n" +
  "Received: from smtp.msn.com (smtp.msn.com [65.54.171.20]) by mail.example.org; Mon, 1 Jun 2026 10:01:00 +0000"

const message = (received: ReadonlyArray<string>, from: string, messageId = "<abc123@example.net>") =>
  [
    ...received,
    `From: ${from}`,
    "To: bob@example.org",
    "Subject: hello",
    "Date: Mon, 1 Jun 2026 10:00:00 +0000",
    `Message-ID: ${messageId}`,
    "",
    "Hello Bob, the minutes are attached as promised.",
    ""
  ].join("\r\n")

const features = (received: ReadonlyArray<string>, from: string, messageId?: string) =>
  tokenize(parse(message(received, from, messageId))).features

describe("web_mail_unrelayed", () => {
  it("a web-mail From that no hop backs", () => {
    expect(features([bot], "Anna <anna.k@hotmail.com>")).toContain("web_mail_unrelayed")
    expect(features([bot], "winner@yahoo.co.uk")).toContain("web_mail_unrelayed")
    expect(features([bot], "Alice <alice@gmail.com>")).toContain("web_mail_unrelayed")
  })

  it("a web-mail Message-ID that no hop backs", () => {
    expect(features([bot], "Alice <alice@example.net>", "<BAY4-F12abc@hotmail.com>")).toContain("web_mail_unrelayed")
  })

  it("not when a hop of the provider, or of its family, is in the chain", () => {
    expect(features([hotmailRelay], "Anna <anna.k@hotmail.com>")).not.toContain("web_mail_unrelayed")
    // Hotmail's mail leaves through msn.com relays; the provider's hop may be anywhere in the chain.
    expect(features([msnRelay], "Anna <anna.k@hotmail.com>", "<BAY4-F12abc@hotmail.com>")).not.toContain(
      "web_mail_unrelayed"
    )
  })

  it("not for other domains, provider subdomains, mailbox services people relay themselves, or no chain", () => {
    expect(features([bot], "Alice <alice@example.net>")).not.toContain("web_mail_unrelayed")
    // A service on a provider's subdomain (list hosting), not a mailbox.
    expect(features([bot], "OneList <onelist@groups.msn.com>")).not.toContain("web_mail_unrelayed")
    expect(features([bot], "Malte <malte@gmx.net>")).not.toContain("web_mail_unrelayed")
    // A provider's label that is not the registrable domain's: a host of another site.
    expect(features([bot], "Anna <anna@hotmail.example.com>")).not.toContain("web_mail_unrelayed")
    expect(features([bot], "Anna <anna@yahoo>")).not.toContain("web_mail_unrelayed")
    // A local submission starts the chain (a web form on the site's own host): it may use any From.
    const webForm = [
      "Received: from prod3.example.com (prod3.example.com [198.51.100.7]) by mx.example.org; Mon, 1 Jun 2026 10:01:00 +0000",
      "Received: (from webuser@localhost) by prod3.example.com (8.11.6) id g71BXF507504; Mon, 1 Jun 2026 10:00:30 +0000"
    ]
    expect(features(webForm, "reader@aol.com", "<200206011000.g71BXF507504@prod3.example.com>")).not.toContain(
      "web_mail_unrelayed"
    )
    // No Received hop: no chain to compare with.
    expect(features([], "Anna <anna.k@hotmail.com>")).not.toContain("web_mail_unrelayed")
  })

  test.prop([fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 })])(
    "never throws on arbitrary header values",
    (from, mid, helo) => {
      const m = parse(message([`Received: from ${helo.replace(/[\r\n]/g, " ")} by mx.example.org`], from, mid))
      expect(typeof webMailUnrelayed(m.headers, m.received ?? [])).toBe("boolean")
    }
  )
})
