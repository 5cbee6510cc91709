// message_id_not_mailers: the X-Mailer names Outlook Express for Windows while the Message-ID is
// not in the form Outlook Express writes; on synthetic mail parsed by core, and on arbitrary
// header blocks.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerFingerprintFeatures } from "../../src/classifier/HeaderFingerprint.ts"
import { messageIdNotMailers } from "../../src/classifier/MailerMessageId.ts"
import { parse, withHeaders } from "./support.ts"

const OE = "Microsoft Outlook Express 6.00.2600.0000"
const OWN_ID = "<000801c2551d$2b6e2f40$0201a8c0@home>"

const message = (id: string | undefined, mailer = OE) =>
  parse(
    withHeaders([
      ...(id === undefined ? [] : [`Message-ID: ${id}`]),
      "From: Ann <ann@example.net>",
      "To: bob@example.org",
      "Subject: Hello",
      "X-Priority: 3",
      "X-MSMail-Priority: Normal",
      `X-Mailer: ${mailer}`,
      "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2600.0000"
    ])
  )
const notMailers = (id: string | undefined, mailer = OE) =>
  headerFingerprintFeatures(message(id, mailer)).includes("message_id_not_mailers")

describe("message_id_not_mailers", () => {
  it("Outlook Express named, the ID a relay's or a tool's", () => {
    expect(notMailers("<200208231511.QAA01654@lugh.example.org>")).toBe(true)
    expect(notMailers("<20020906092808.707AE70041@relay.example.net>")).toBe(true)
    expect(notMailers("<K3WS0Q61QXAK7.VXYLNHFLPNCU3H0H0A.bcsocial1@yahoo.com>")).toBe(true)
    expect(notMailers("nmurgvodtqjc@example.net")).toBe(true)
    // Its form with a group too short or a separator other than `$`.
    expect(notMailers("<000801c2551d$2b6e2f4$0201a8c0@home>")).toBe(true)
    expect(notMailers("<000801c2551d.2b6e2f40.0201a8c0@home>")).toBe(true)
  })

  it("not for its own IDs, version 4's shorter ones, nor Hotmail's for its web-mail users", () => {
    expect(notMailers(OWN_ID)).toBe(false)
    expect(notMailers("<005401C24F6F$2F797B90$E600000A@XENON16>")).toBe(false)
    expect(notMailers("<01be7f3a$a4d3a6e0$0100a8c0@pc>", "Microsoft Outlook Express 4.72.3110.5")).toBe(false)
    expect(notMailers("<DAV32l8aii08N8yxdZj00009342@hotmail.com>")).toBe(false)
    expect(notMailers("<OE17BcN7DaJHFzrK0pW0001e900@hotmail.com>")).toBe(false)
  })

  it("not for other programs, the Macintosh Edition, or a message without an ID", () => {
    expect(notMailers("<200208231511.QAA01654@lugh.example.org>", "Microsoft Outlook, Build 10.0.2616")).toBe(false)
    expect(notMailers("<3D91E2A1.5060709@example.net>", "Mozilla 4.7 [en] (Win98; I)")).toBe(false)
    expect(
      notMailers("<B9A7F3C2.1234%ann@example.net>", "Microsoft Outlook Express Macintosh Edition - 5.01 (1630)")
    ).toBe(false)
    expect(notMailers(undefined)).toBe(false)
    expect(messageIdNotMailers(parse(withHeaders(["From: ann@example.net"])).headers)).toBe(false)
  })

  const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n}}$`))
  test.prop([
    hex(12),
    hex(8),
    hex(8),
    fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/),
    fc.stringMatching(/^[4-6]\.\d{2}\.\d{4}\.\d{4}$/)
  ])(
    "its own form at any machine's name, under any version, never counts; a relay's ID always does",
    (a, b, c, machine, version) => {
      const mailer = `Microsoft Outlook Express ${version}`
      expect(notMailers(`<${a}$${b}$${c}@${machine}>`, mailer)).toBe(false)
      expect(notMailers(`<200208231511.${b}@${machine}.example.org>`, mailer)).toBe(true)
    }
  )

  test.prop([
    fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    fc.option(fc.oneof(fc.constant(OE), fc.string({ maxLength: 80 })), { nil: undefined })
  ])("never throws on arbitrary values", (id, mailer) => {
    const fields = [
      ...(id === undefined ? [] : [`Message-ID: ${id.replace(/[\r\n]/g, " ")}`]),
      ...(mailer === undefined ? [] : [`X-Mailer: ${mailer.replace(/[\r\n]/g, " ")}`]),
      "From: ann@example.net"
    ]
    expect(typeof messageIdNotMailers(parse(withHeaders(fields)).headers)).toBe("boolean")
  })
})
