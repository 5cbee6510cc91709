// mailer_fields_missing: the X-Mailer names Outlook Express for Windows or Outlook 97-2002 and a
// field that program always writes is absent; on synthetic mail parsed by core, and on arbitrary
// header blocks.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { headerFingerprintFeatures } from "../../src/classifier/HeaderFingerprint.ts"
import { mailerFieldsMissing } from "../../src/classifier/MailerFingerprint.ts"
import { parse, withHeaders } from "./support.ts"

const OE = "Microsoft Outlook Express 6.00.2600.0000"
const OUTLOOK = "Microsoft Outlook, Build 10.0.2616"

/** A header block as the program writes it, without the fields named in `drop`. */
const block = (mailer: string, drop: ReadonlyArray<string> = [], extra: ReadonlyArray<string> = []) => {
  const fields: Array<[string, string]> = [
    ["Message-ID", "<000801c2551d$2b6e2f40$0201a8c0@home>"],
    ["From", '"Ann" <ann@example.net>'],
    ["To", "<bob@example.org>"],
    ["Subject", "Hello"],
    ["Date", "Wed, 25 Sep 2002 16:46:33 -0700"],
    ["MIME-Version", "1.0"],
    ["Content-Type", 'text/plain; charset="iso-8859-1"'],
    ["X-Priority", mailer === OE ? "3" : "3 (Normal)"],
    ["X-MSMail-Priority", "Normal"],
    ["X-Mailer", mailer],
    ...(mailer === OUTLOOK ? [["Importance", "Normal"] as [string, string]] : []),
    ["X-MimeOLE", "Produced By Microsoft MimeOLE V6.00.2600.0000"]
  ]
  return parse(
    withHeaders([
      ...fields.filter(([name]) => !drop.includes(name.toLowerCase())).map(([name, value]) => `${name}: ${value}`),
      ...extra
    ])
  )
}
const missing = (mailer: string, drop: ReadonlyArray<string> = [], extra: ReadonlyArray<string> = []) =>
  headerFingerprintFeatures(block(mailer, drop, extra)).includes("mailer_fields_missing")

describe("mailer_fields_missing", () => {
  it("Outlook Express without X-Priority or X-MSMail-Priority", () => {
    expect(missing(OE, ["x-priority"])).toBe(true)
    expect(missing(OE, ["x-msmail-priority"])).toBe(true)
    expect(missing(OE, ["x-priority", "x-msmail-priority", "x-mimeole"])).toBe(true)
    // Any version, a word after it (a bulk tool's `DM`) too.
    expect(missing("Microsoft Outlook Express 5.00.2919.6900 DM", ["x-priority"])).toBe(true)
  })

  it("Outlook 97-2002 without X-Priority, X-MSMail-Priority or Importance", () => {
    expect(missing(OUTLOOK, ["importance"])).toBe(true)
    expect(missing(OUTLOOK, ["x-msmail-priority"])).toBe(true)
    expect(missing("Microsoft Outlook IMO, Build 9.0.2416 (9.0.2911.0)", ["x-priority"])).toBe(true)
    expect(missing("Microsoft Outlook 8.5, Build 4.71.2173.0", ["importance"])).toBe(true)
  })

  it("not for the program's own header block, in any case of the names, in any order", () => {
    expect(missing(OE)).toBe(false)
    expect(missing(OUTLOOK)).toBe(false)
    // Relays and lists rewrite names (`X-Msmail-Priority`) and move fields.
    const rewritten = parse(
      withHeaders([
        `X-Mailer: ${OE}`,
        "X-MSMAIL-PRIORITY: Normal",
        "From: ann@example.net",
        "x-priority: 3",
        "Subject: Hello"
      ])
    )
    expect(mailerFieldsMissing(rewritten.headers)).toBe(false)
  })

  it("not for other programs, nor Outlook Express for the Macintosh, nor later Microsoft programs", () => {
    expect(missing("Microsoft Outlook Express Macintosh Edition - 5.01 (1630)", ["x-msmail-priority"])).toBe(false)
    expect(missing("Microsoft Office Outlook, Build 11.0.5510", ["x-priority", "importance"])).toBe(false)
    expect(missing("Microsoft Outlook 14.0", ["x-priority", "x-msmail-priority"])).toBe(false)
    expect(missing("Microsoft Windows Mail 6.0.6000.16386", ["x-priority"])).toBe(false)
    expect(missing("QUALCOMM Windows Eudora Version 5.1", ["x-priority", "x-msmail-priority"])).toBe(false)
    // The name in User-Agent is not X-Mailer: Outlook Express writes X-Mailer.
    const agent = parse(withHeaders([`User-Agent: ${OE}`, "From: ann@example.net"]))
    expect(mailerFieldsMissing(agent.headers)).toBe(false)
    expect(mailerFieldsMissing(parse(withHeaders(["From: ann@example.net"])).headers)).toBe(false)
  })

  const fieldName = fc.constantFrom(
    "X-Mailer",
    "X-Priority",
    "X-MSMail-Priority",
    "Importance",
    "X-MimeOLE",
    "From",
    "Subject",
    "x-mailer"
  )
  const value = fc.oneof(
    fc.constantFrom(OE, OUTLOOK, "3", "Normal", "Microsoft Outlook Express", "Microsoft Outlook, Build "),
    fc.string({ maxLength: 80 }).map((s) => s.replace(/[\r\n]/g, " "))
  )

  test.prop([fc.array(fc.tuple(fieldName, value), { maxLength: 10 })])(
    "never throws on arbitrary header blocks; holds exactly when a named program lacks a field it writes",
    (fields) => {
      const headers = parse(withHeaders(fields.map(([n, v]) => `${n}: ${v}`))).headers
      const mailer = headers.get("x-mailer")
      const has = (n: string) => headers.get(n) !== undefined
      const expected =
        mailer === undefined
          ? false
          : /^\s*microsoft outlook express \d/i.test(mailer)
            ? !has("x-priority") || !has("x-msmail-priority")
            : /^\s*microsoft outlook(?: imo| cws| 8\.\d+)?, build \d/i.test(mailer)
              ? !has("x-priority") || !has("x-msmail-priority") || !has("importance")
              : false
      expect(mailerFieldsMissing(headers)).toBe(expected)
    }
  )

  test.prop([fc.stringMatching(/^[4-6]\.\d{2}\.\d{4}\.\d{4}$/), fc.constantFrom("x-priority", "x-msmail-priority")])(
    "any Outlook Express version: its own block never, one of its fields dropped always",
    (version, dropped) => {
      const mailer = `Microsoft Outlook Express ${version}`
      expect(missing(mailer)).toBe(false)
      expect(missing(mailer, [dropped])).toBe(true)
    }
  )
})
