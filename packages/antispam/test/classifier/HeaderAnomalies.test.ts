// Structural header anomalies, each shown on a synthetic message with and without the trick.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { analyseAnomalies, dateWeekdayWrong, dateZoneInvalid, parseDate } from "../../src/classifier/HeaderAnomalies.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

const message = (headers: ReadonlyArray<string>, body = "Hello Bob, the minutes are attached as promised.") =>
  [...headers, "", body, ""].join("\r\n")

const base = [
  "Received: from mail.example.net (mail.example.net [192.0.2.10]) by mx.example.org with ESMTP; Mon, 1 Jun 2026 10:01:00 +0000",
  "From: Alice <alice@example.net>",
  "To: bob@example.org",
  "Subject: minutes",
  "Date: Mon, 1 Jun 2026 10:00:00 +0000",
  "Message-ID: <abc123@example.net>"
]
const replace = (name: string, value: string | undefined) => [
  ...base.filter((h) => !h.toLowerCase().startsWith(`${name.toLowerCase()}:`)),
  ...(value === undefined ? [] : [`${name}: ${value}`])
]
const features = (headers: ReadonlyArray<string>) => tokenize(parse(message(headers))).features

describe("header anomalies", () => {
  it("an ordinary message has none of them", () => {
    const f = features(base)
    for (const name of [
      "message_id_malformed",
      "date_malformed",
      "date_future",
      "date_stale",
      "received_time_disorder",
      "received_forged_helo",
      "mailer_bulk",
      "mailer_forged_outlook_express",
      "priority_high",
      "from_encoded_ascii",
      "encoded_word_split",
      "return_path_other_domain",
      "date_zone_invalid",
      "date_weekday_wrong",
      "reply_to_free_mail",
      "mailer_forged_outlook_html"
    ]) {
      expect(f).not.toContain(name)
    }
  })

  it("message_id_malformed: a Message-ID without <local@domain>", () => {
    expect(features(replace("Message-ID", "1234567890.JavaMail"))).toContain("message_id_malformed")
    expect(features(replace("Message-ID", "<a b@example.net>"))).toContain("message_id_malformed")
    expect(features(replace("Message-ID", "<20260601.x@mail.example.net>"))).not.toContain("message_id_malformed")
  })

  it("date_malformed: a Date that does not parse", () => {
    expect(features(replace("Date", "sometime next week"))).toContain("date_malformed")
    expect(features(replace("Date", "Mon, 1 Jun 2026 03:00:00 -0700 (PDT)"))).not.toContain("date_malformed")
  })

  it("date_future and date_stale: Date far from the newest Received stamp", () => {
    expect(features(replace("Date", "Fri, 5 Jun 2026 10:00:00 +0000"))).toContain("date_future")
    expect(features(replace("Date", "Mon, 1 Jun 2026 12:00:00 +0000"))).not.toContain("date_future")
    expect(features(replace("Date", "Mon, 4 May 2026 10:00:00 +0000"))).toContain("date_stale")
    expect(features(replace("Date", "Fri, 29 May 2026 10:00:00 +0000"))).not.toContain("date_stale")
  })

  it("date_zone_invalid: a Date with no zone or an offset no place has", () => {
    for (const date of [
      "Mon, 1 Jun 2026 10:00:00 -1900", // 19 hours west: no such zone
      "Mon, 1 Jun 2026 10:00:00 +1500",
      "Mon, 1 Jun 2026 10:00:00 +0107", // not a quarter hour
      "Mon, 1 Jun 2026 10:00:00" // no zone at all
    ])
      expect(features(replace("Date", date)), date).toContain("date_zone_invalid")
    for (const date of [
      "Mon, 1 Jun 2026 10:00:00 +0000",
      "Mon, 1 Jun 2026 15:30:00 +0530",
      "Mon, 1 Jun 2026 22:00:00 +1200",
      "Tue, 2 Jun 2026 00:00:00 +1400",
      "Mon, 1 Jun 2026 01:00:00 -0900 (AKDT)",
      "Mon, 1 Jun 2026 10:00:00 GMT",
      "Mon, 1 Jun 2026 06:00:00 EDT",
      "Mon, 1 Jun 2026 10:00 UT",
      "Mon, 1 Jun 2026 10:00:00 (GMT)" // a zone name in a comment: sloppy, not made up
    ])
      expect(features(replace("Date", date)), date).not.toContain("date_zone_invalid")
    // A Date that does not parse is date_malformed only.
    expect(features(replace("Date", "sometime next week"))).not.toContain("date_zone_invalid")
  })

  it("date_weekday_wrong: a weekday that the date does not fall on", () => {
    expect(features(replace("Date", "Fri, 1 Jun 2026 10:00:00 +0000"))).toContain("date_weekday_wrong")
    expect(features(replace("Date", "Tuesday, 1 Jun 2026 10:00:00 +0000"))).toContain("date_weekday_wrong")
    expect(features(replace("Date", "Mon, 1 Jun 2026 10:00:00 +0000"))).not.toContain("date_weekday_wrong")
    // Two-digit years (RFC 5322 section 4.3): 02 is 2002, 99 is 1999; no weekday, nothing to check.
    expect(features(replace("Date", "Tue, 3 Sep 02 23:43:57 +0100"))).not.toContain("date_weekday_wrong")
    expect(features(replace("Date", "Fri, 31 Dec 99 23:00:00 +0000"))).not.toContain("date_weekday_wrong")
    expect(features(replace("Date", "Sat, 31 Dec 99 23:00:00 +0000"))).toContain("date_weekday_wrong")
    expect(features(replace("Date", "1 Jun 2026 10:00:00 +0000"))).not.toContain("date_weekday_wrong")
  })

  it("reply_to_free_mail: replies asked to a free-mail mailbox other than the sender", () => {
    expect(features([...base, "Reply-To: claims.office@hotmail.com"])).toContain("reply_to_free_mail")
    expect(features([...base, "Reply-To: Dr. Smith <agent77@yahoo.co.uk>"])).toContain("reply_to_free_mail")
    // The sender's own free-mail address, a company address, a list hosted on a provider's subdomain.
    const freeSender = replace("From", "Alice <alice@gmail.com>")
    expect(features([...freeSender, "Reply-To: alice@gmail.com"])).not.toContain("reply_to_free_mail")
    expect(features([...base, "Reply-To: support@example.com"])).not.toContain("reply_to_free_mail")
    expect(features([...base, "Reply-To: OneList <OneList@groups.msn.com>"])).not.toContain("reply_to_free_mail")
    expect(features(base)).not.toContain("reply_to_free_mail")
  })

  it("mailer_forged_outlook_html: HTML without a plain-text part under Outlook's name", () => {
    const outlook = "X-Mailer: Microsoft Outlook Express 6.00.2600.0000"
    const htmlOnly = ["MIME-Version: 1.0", "Content-Type: text/html; charset=us-ascii"]
    const body = "<html><body><p>Hello Bob, the minutes are attached as promised.</p></body></html>"
    expect(tokenize(parse(message([...base, outlook, ...htmlOnly], body))).features).toContain(
      "mailer_forged_outlook_html"
    )
    // Outlook's own HTML mail: multipart/alternative with a text/plain part.
    const alternative = [
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=us-ascii",
      "",
      "Hello Bob, the minutes are attached as promised.",
      "--b1",
      "Content-Type: text/html; charset=us-ascii",
      "",
      body,
      "--b1--"
    ]
    const f = tokenize(parse([...base, outlook, ...alternative, ""].join("\r\n"))).features
    expect(f).not.toContain("mailer_forged_outlook_html")
    // HTML alone from another program is html_only, not a forged Outlook.
    const other = tokenize(parse(message([...base, "X-Mailer: Mutt 1.5", ...htmlOnly], body))).features
    expect(other).toContain("html_only")
    expect(other).not.toContain("mailer_forged_outlook_html")
  })

  it("received_time_disorder: an older hop stamped long after the newer one", () => {
    const forged = [
      "Received: from relay.example.com (relay.example.com [198.51.100.2]) by mx.example.org; Wed, 3 Jun 2026 10:00:00 +0000",
      "Received: from pc (pc.example.com [198.51.100.9]) by relay.example.com; Sat, 6 Jun 2026 10:00:00 +0000"
    ]
    expect(features([...forged, ...base.slice(1)])).toContain("received_time_disorder")
    const honest = [
      "Received: from relay.example.com (relay.example.com [198.51.100.2]) by mx.example.org; Mon, 1 Jun 2026 10:05:00 +0000",
      "Received: from pc (pc.example.com [198.51.100.9]) by relay.example.com; Mon, 1 Jun 2026 10:03:00 +0000"
    ]
    expect(features([...honest, ...base.slice(1)])).not.toContain("received_time_disorder")
  })

  it("received_forged_helo: a big provider's bare domain as HELO from another host", () => {
    const forged =
      "Received: from hotmail.com (dsl-42.broadband.example.com [203.0.113.42]) by mx.example.org; Mon, 1 Jun 2026 10:01:00 +0000"
    expect(features([forged, ...base.slice(1)])).toContain("received_forged_helo")
    const real =
      "Received: from hotmail.com (mail.hotmail.com [203.0.113.42]) by mx.example.org; Mon, 1 Jun 2026 10:01:00 +0000"
    expect(features([real, ...base.slice(1)])).not.toContain("received_forged_helo")
  })

  it("return_path_other_domain: the bounce address on another domain than From", () => {
    expect(features([...base, "Return-Path: <bounce@mailer.example.com>"])).toContain("return_path_other_domain")
    expect(features([...base, "Return-Path: <alice@example.net>"])).not.toContain("return_path_other_domain")
    // Without Return-Path the envelope sender counts.
    expect(analyseAnomalies(parse(message(base)).headers, [], "bounces@lists.example.com")).toContain(
      "return_path_other_domain"
    )
    expect(analyseAnomalies(parse(message(base)).headers, [], "alice@example.net")).not.toContain(
      "return_path_other_domain"
    )
  })

  it("mailer_bulk, mailer_forged_outlook_express, priority_high: bulk-mailer fingerprints", () => {
    expect(features([...base, "X-Mailer: Advanced Mass Sender v 3.21b"])).toContain("mailer_bulk")
    expect(features([...base, "X-Mailer: Mutt 1.5"])).not.toContain("mailer_bulk")
    expect(features([...base, "X-Mailer: QuickSender 1.05"])).toContain("mailer_bulk")
    expect(features([...base, "X-Mailer: Easy DM free"])).toContain("mailer_bulk")
    expect(features([...base, "User-Agent: EasyDM 2.1"])).toContain("mailer_bulk")
    // Libraries and services that shops, banks and list managers send their ordinary mail through
    // name themselves too; none of them is a bulk tool's name.
    for (const mailer of [
      "Flicks Softwares OCXMail 2.2f",
      "Microsoft CDO for Windows 2000",
      "PHPMailer 5.1 (phpmailer.sourceforge.net)",
      "Atlas Mailer 2.0",
      "StormPost",
      "ListManager Web Interface",
      "Quick Reply 2.0",
      "EasyDMS Document Server 4.1"
    ])
      expect(features([...base, `X-Mailer: ${mailer}`])).not.toContain("mailer_bulk")
    expect(features([...base, "X-Mailer: Microsoft Outlook Express 6.00.2600.0000"])).toContain(
      "mailer_forged_outlook_express"
    )
    expect(
      features([
        ...base,
        "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
        "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2600.0000"
      ])
    ).not.toContain("mailer_forged_outlook_express")
    // Outlook Express for the Macintosh never writes X-MimeOLE.
    expect(features([...base, "X-Mailer: Microsoft Outlook Express Macintosh Edition - 4.5 (0410)"])).not.toContain(
      "mailer_forged_outlook_express"
    )
    expect(features([...base, "X-Priority: 1 (Highest)"])).toContain("priority_high")
    expect(features([...base, "X-MSMail-Priority: High"])).toContain("priority_high")
    expect(features([...base, "X-Priority: 3 (Normal)"])).not.toContain("priority_high")
  })

  it("from_encoded_ascii and encoded_word_split: RFC 2047 abuse", () => {
    expect(features(replace("From", "=?utf-8?B?QWxpY2U=?= <alice@example.net>"))).toContain("from_encoded_ascii")
    expect(features(replace("From", "=?utf-8?Q?J=C3=B6rg?= <joerg@example.net>"))).not.toContain("from_encoded_ascii")
    expect(features(replace("Subject", "V=?utf-8?Q?iag?=ra for you"))).toContain("encoded_word_split")
    expect(features(replace("Subject", "=?utf-8?Q?Gr=C3=BC=C3=9Fe?= aus Berlin"))).not.toContain("encoded_word_split")
    // A Q word whose text starts with an escape is whole, not glued: its `?Q?=` is no word's end.
    expect(features(replace("Subject", "=?utf-8?Q?=C3=9Cbergabe_am_Montag?="))).not.toContain("encoded_word_split")
    expect(features(replace("Subject", "=?iso-8859-1?Q?=5Bseminaire=5D_S=E9minaire?="))).not.toContain(
      "encoded_word_split"
    )
    expect(features(replace("Subject", "=?utf-8?Q?=5BShop=5D?=Bestellung"))).toContain("encoded_word_split")
  })

  // Every byte escaped, as a program encoding a subject in Q may: `?Q?` is then always followed
  // by `=` and two hex digits. Whole words separated by spaces are never glued.
  const qWord = (text: string) =>
    `=?utf-8?Q?${[...new TextEncoder().encode(text)].map((b) => `=${b.toString(16).toUpperCase().padStart(2, "0")}`).join("")}?=`
  test.prop([fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.boolean()])(
    "encoded_word_split: whole Q words separated by white space are never glued",
    (texts, lead) => {
      const subject = `${lead ? "Re: " : ""}${texts.map(qWord).join(" ")}`
      expect(features(replace("Subject", subject))).not.toContain("encoded_word_split")
      expect(features(replace("Subject", `${subject}x`))).toContain("encoded_word_split")
    }
  )

  test.prop([fc.string({ maxLength: 300 })])("parseDate never throws", (s) => {
    const t = parseDate(s)
    expect(t === undefined || Number.isFinite(t)).toBe(true)
  })

  test.prop([fc.string({ maxLength: 300 })])("the Date checks never throw and answer a boolean", (s) => {
    expect(typeof dateZoneInvalid(s)).toBe("boolean")
    expect(typeof dateWeekdayWrong(s)).toBe("boolean")
  })

  test.prop([fc.date({ min: new Date("1970-01-01"), max: new Date("2099-12-31"), noInvalidDate: true })])(
    "a Date written by a clock (RFC 5322 form) is never flagged",
    (d) => {
      const date = d.toUTCString().replace("GMT", "+0000")
      expect(dateZoneInvalid(date)).toBe(false)
      expect(dateWeekdayWrong(date)).toBe(false)
    }
  )
})
