// The tokenizer names round 40's header-fingerprint traits (HeaderFingerprint.ts) among its
// features: a claimed Microsoft program without a field it always writes or over a Message-ID in
// another form, and a web-mail provider's host as the origin's HELO from another domain's address
// reach `feat:` tokens, which the layer weighs towards spam in a late stage of their own.
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { headerFingerprintFeatures } from "../../src/classifier/HeaderFingerprint.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const STAMP = "Tue, 17 Sep 2002 07:18:17 -0400"
const message = (o: { helo?: string; fields?: ReadonlyArray<string> } = {}) =>
  parse(
    withHeaders([
      `Received: from ${o.helo ?? "mail.example.net"} (cust-85.dsl.example.net [198.51.100.85]) by mx.example.org (8.11.6) with SMTP id g8HBIHC26301; ${STAMP}`,
      "Message-ID: <000801c2551d$2b6e2f40$0201a8c0@home>",
      "From: Ann <ann@example.net>",
      "To: bob@example.org",
      "Subject: Hello",
      `Date: ${STAMP}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain",
      ...(o.fields ?? [
        "X-Priority: 3",
        "X-MSMail-Priority: Normal",
        "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
        "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2600.0000"
      ])
    ])
  )

describe("header fingerprint traits through the tokenizer", () => {
  it("Outlook Express without its priority fields", () => {
    const fields = ["X-Mailer: Microsoft Outlook Express 6.00.2600.0000", "X-MimeOLE: Produced By Microsoft MimeOLE V6"]
    expect(tokenize(message({ fields })).features).toContain("mailer_fields_missing")
    expect(tokenize(message()).features).not.toContain("mailer_fields_missing")
  })

  it("Outlook Express named over a Message-ID in another form", () => {
    const relay = parse(
      withHeaders([
        "Message-ID: <200208231511.QAA01654@mx.example.org>",
        "From: Ann <ann@example.net>",
        "X-Mailer: Microsoft Outlook Express 6.00.2600.0000"
      ])
    )
    expect(tokenize(relay).features).toContain("message_id_not_mailers")
    expect(tokenize(message()).features).not.toContain("message_id_not_mailers")
  })

  it("a web-mail provider's host as the origin's HELO", () => {
    expect(tokenize(message({ helo: "smtp0482.mail.yahoo.com" })).features).toContain("received_provider_host_forged")
    expect(tokenize(message()).features).not.toContain("received_provider_host_forged")
  })

  it("names nothing for a message with neither", () => {
    expect(headerFingerprintFeatures(message())).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of their own", () => {
    expect(FEATURE_SIGNS.mailer_fields_missing).toBe(1)
    expect(FEATURE_SIGNS.message_id_not_mailers).toBe(1)
    expect(FEATURE_SIGNS.received_provider_host_forged).toBe(1)
    expect(LATE_STAGES).toContainEqual([
      "mailer_fields_missing",
      "message_id_not_mailers",
      "received_provider_host_forged"
    ])
  })
})
