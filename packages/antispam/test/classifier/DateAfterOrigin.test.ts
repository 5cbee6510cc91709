// date_after_origin: the Date an hour or more after the origin relay's stamp by an amount no
// clock set to a wrong zone gives (not near a multiple of half an hour), unless a hop at or below
// the origin was stamped by the same clock; on synthetic mail parsed by core, through the
// tokenizer, and on arbitrary Dates and hops.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { dateAfterOrigin } from "../../src/classifier/DateAfterOrigin.ts"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { headerClockFeatures } from "../../src/classifier/HeaderClock.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const STAMP = "Tue, 17 Sep 2002 07:18:17 -0400"
const origin = (stamp = STAMP) =>
  `Received: from mail.example.net (mail.example.net [198.51.100.85]) by mx.example.org (8.11.6) with ESMTP id g8HBIHC26301; ${stamp}`
const upper =
  "Received: from mx.example.org (mx.example.org [192.0.2.25]) by inbox.example.org (Postfix); Tue, 17 Sep 2002 12:18:40 +0100"
const message = (date: string, ...hops: ReadonlyArray<string>) =>
  parse(
    withHeaders([
      ...(hops.length > 0 ? hops : [upper, origin()]),
      "From: Ann <ann@example.net>",
      "To: bob@example.org",
      "Subject: Hello",
      `Date: ${date}`,
      "Message-ID: <abc123@example.net>"
    ])
  )
const holds = (date: string, ...hops: ReadonlyArray<string>) => {
  const m = message(date, ...hops)
  return dateAfterOrigin(m.headers, m.received ?? [])
}

describe("date_after_origin", () => {
  it("a Date hours after the origin's stamp, off a zone by more than a clock's minutes", () => {
    // 3 h 17 min after 11:18:17 UTC.
    expect(holds("Tue, 17 Sep 2002 14:35:40 +0000")).toBe(true)
    // The same instant written in another zone.
    expect(holds("Tue, 17 Sep 2002 07:35:40 -0700")).toBe(true)
    // 1 h 45 min: 15 minutes from the nearest half hour.
    expect(holds("Tue, 17 Sep 2002 13:03:17 +0000")).toBe(true)
    // Six days and 12 minutes.
    expect(holds("Mon, 23 Sep 2002 11:30:20 +0000")).toBe(true)
    expect(headerClockFeatures(message("Tue, 17 Sep 2002 14:35:40 +0000"))).toEqual(["date_after_origin"])
    expect(tokenize(message("Tue, 17 Sep 2002 14:35:40 +0000")).features).toContain("date_after_origin")
  })

  it("not for a clock set to another zone: whole hours or half hours, give or take ten minutes", () => {
    // Pacific time written as +0000: 7 h after, 2 minutes fast.
    expect(holds("Tue, 17 Sep 2002 18:20:17 +0000")).toBe(false)
    // India's wall clock under -0800: 13 h 30 min, 6 minutes slow.
    expect(holds("Wed, 18 Sep 2002 08:42:17 -0800")).toBe(false)
    // 2 h 52 min: 8 minutes slow of a whole hour.
    expect(holds("Tue, 17 Sep 2002 14:10:17 +0000")).toBe(false)
    expect(tokenize(message("Tue, 17 Sep 2002 18:20:17 +0000")).features).not.toContain("date_after_origin")
  })

  it("not for a Date before, just after or more than a week after the origin's stamp", () => {
    expect(holds("Tue, 17 Sep 2002 07:01:00 -0400")).toBe(false)
    expect(holds("Tue, 17 Sep 2002 08:01:00 -0400")).toBe(false)
    expect(holds("Tue, 17 Sep 2002 03:35:40 -0400")).toBe(false)
    expect(holds("Thu, 26 Sep 2002 11:35:40 +0000")).toBe(false)
  })

  it("not when a hop at or below the origin was stamped by the Date's clock", () => {
    const own =
      "Received: from ann-pc (localhost [127.0.0.1]) by mail.example.net with ESMTP; Tue, 17 Sep 2002 14:33:02 +0000"
    expect(holds("Tue, 17 Sep 2002 14:35:40 +0000", upper, origin(), own)).toBe(false)
    // A hop above the origin with that clock is not the sender's.
    const above =
      "Received: from mx.example.org (mx.example.org [192.0.2.25]) by inbox.example.org; Tue, 17 Sep 2002 14:34:00 +0000"
    expect(holds("Tue, 17 Sep 2002 14:35:40 +0000", above, origin())).toBe(true)
  })

  it("not without a Date, a stamp or a public origin that parse", () => {
    expect(holds("yesterday")).toBe(false)
    expect(holds("Tue, 17 Sep 2002 14:35:40 +0000", upper, origin("sometime"))).toBe(false)
    const local = "Received: from ann-pc (ann-pc [192.168.0.4]) by mail.example.net; Tue, 17 Sep 2002 07:18:17 -0400"
    expect(holds("Tue, 17 Sep 2002 14:35:40 +0000", local)).toBe(false)
    expect(dateAfterOrigin(message("Tue, 17 Sep 2002 14:35:40 +0000").headers, [])).toBe(false)
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.date_after_origin).toBe(1)
    expect(LATE_STAGES).toContainEqual(["date_after_origin"])
  })

  test.prop([
    fc.string({ maxLength: 80 }),
    fc.array(
      fc.record({
        index: fc.nat(),
        raw: fc.string({ maxLength: 200 }),
        helo: fc.option(fc.domain(), { nil: undefined }),
        rdns: fc.option(fc.domain(), { nil: undefined }),
        ip: fc.option(fc.oneof(fc.ipV4(), fc.string({ maxLength: 40 })), { nil: undefined }),
        by: fc.option(fc.domain(), { nil: undefined }),
        date: fc.option(
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.date().map((d) => d.toUTCString())
          ),
          { nil: undefined }
        )
      }),
      { maxLength: 6 }
    )
  ])("never throws on arbitrary Dates and hops", (date, received) => {
    const headers = parse(withHeaders([`Date: ${date.replace(/[\r\n]/g, " ")}`])).headers
    expect(typeof dateAfterOrigin(headers, received)).toBe("boolean")
  })

  test.prop([fc.integer({ min: 0, max: 7 * 48 }), fc.integer({ min: -9, max: 9 }), fc.integer({ min: 0, max: 59 })])(
    "a difference within ten minutes of a multiple of half an hour never counts",
    (halves, minutes, seconds) => {
      const t =
        Date.UTC(2002, 8, 17, 11, 18, 17) +
        halves * 1_800_000 +
        minutes * 60_000 +
        (minutes >= 0 ? seconds : -seconds) * 1000
      const date = new Date(t).toUTCString().replace("GMT", "+0000")
      expect(holds(date)).toBe(false)
    }
  )
})
