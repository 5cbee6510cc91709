// mailer_malformed_outlook: an X-Mailer that names Outlook or Outlook Express in a form neither
// program writes, on synthetic mail through the whole tokenizer and on the check itself; the
// strings real mail programs and companies' mail libraries write never match; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { mailerMalformedOutlook } from "../../src/classifier/MailerForm.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (mailer: string | undefined) =>
  tokenize(
    parse(
      rfc822({
        subject: "Your order",
        body: "Thank you for your order.",
        ...(mailer === undefined ? {} : { extra: `X-Mailer: ${mailer}` })
      })
    )
  ).features

describe("mailer_malformed_outlook", () => {
  it("the forms bulk tools type in by hand", () => {
    expect(features("Microsoft Outlook Express 6.00.2600.0000 DM")).toContain("mailer_malformed_outlook")
    expect(features("Microsoft Outlook Express 5.00.2919.6900DM")).toContain("mailer_malformed_outlook")
    expect(features("Microsoft Outlook Express 5.00.2919.7000 Demo")).toContain("mailer_malformed_outlook")
    expect(features("Microsoft Outlook Express 6.00.2600.0000.1")).toContain("mailer_malformed_outlook")
    expect(features("Microsoft Outlook Express")).toContain("mailer_malformed_outlook")
    expect(features("Microsoft Outlook Express 6.0")).toContain("mailer_malformed_outlook")
    expect(features("Microsoft Outlook Build 10.0.2616")).toContain("mailer_malformed_outlook")
    expect(features("Microsoft Outlook IMO Build 9.0.2416 (9.0.2910.0)")).toContain("mailer_malformed_outlook")
    expect(features("X-Mailer: Microsoft Outlook Express 5.00.2919.6700")).toContain("mailer_malformed_outlook")
    expect(features(": Microsoft Outlook Express 6.00.2600.0000")).toContain("mailer_malformed_outlook")
  })

  it("not for what Outlook and Outlook Express write", () => {
    for (const real of [
      "Microsoft Outlook Express 6.00.2900.2180",
      "Microsoft Outlook Express 5.50.4807.1700",
      "Microsoft Outlook Express 4.72.3110.5",
      "Microsoft Outlook Express Macintosh Edition - 5.02 (2022)",
      "Microsoft Outlook, Build 10.0.2616",
      "Microsoft Outlook IMO, Build 9.0.2416 (9.0.2910.0)",
      "Microsoft Outlook CWS, Build 9.0.2416 (9.0.2911.0)",
      "Microsoft Outlook 8.5, Build 4.71.2173.0",
      "Microsoft Office Outlook, Build 11.0.5510",
      "Microsoft Office Outlook 12.0",
      "Microsoft Outlook 14.0"
    ])
      expect(features(real), real).not.toContain("mailer_malformed_outlook")
  })

  it("not for other programs or the libraries order, invoice, bank and shop mail comes from", () => {
    for (const other of [
      "Microsoft Windows Mail 6.0.6000.16480",
      "Microsoft Windows Live Mail 14.0.8117.416",
      "Microsoft-Entourage/10.1.4.030702",
      "Microsoft CDO for Windows 2000",
      "Internet Mail Service (5.5.2653.19)",
      "PHPMailer 5.1 (phpmailer.sourceforge.net)",
      "ColdFusion 8 Application Server",
      "X-Mailer: PHP/5.2.6",
      "The Bat! (v1.61) Business",
      "Outlook-style order mailer 2.0"
    ])
      expect(features(other), other).not.toContain("mailer_malformed_outlook")
    expect(features(undefined)).not.toContain("mailer_malformed_outlook")
  })

  it("reads the field as folded and spaced", () => {
    expect(mailerMalformedOutlook("  Microsoft Outlook Express\r\n 6.00.2900.2180  ")).toBe(false)
    expect(mailerMalformedOutlook("Microsoft  Outlook  Express 6.00.2600.0000 DM")).toBe(true)
    expect(mailerMalformedOutlook(undefined)).toBe(false)
    expect(mailerMalformedOutlook("")).toBe(false)
  })

  test.prop([fc.option(fc.string({ maxLength: 400 }), { nil: undefined })])("never throws on any value", (value) => {
    expect(typeof mailerMalformedOutlook(value)).toBe("boolean")
  })

  test.prop([fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,4}\.[0-9]{1,4}$/)])(
    "no four-number Outlook Express version is malformed",
    (version) => {
      expect(mailerMalformedOutlook(`Microsoft Outlook Express ${version}`)).toBe(false)
    }
  )
})
