// date_stale: the Date more than a week before the newest Received hop that took the message in
// from a public address; hops above it from loopback, a private address or none (a local delivery,
// a mail fetcher) are the recipient's own and never make a Date stale. On synthetic mail parsed by
// core, through the tokenizer, and on arbitrary Dates and hops.
import type { ReceivedHop } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { dateStale, networkStamp } from "../../src/classifier/DateStale.ts"
import { FEATURE_SIGNS } from "../../src/classifier/FeatureSigns.ts"
import { parseDate } from "../../src/classifier/MailDate.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

// A list's post as its subscriber's server took it in from the list's relay.
const listRelay =
  "Received: from lists.example.net (lists.example.net [198.51.100.7]) by mx.example.org (8.11.6) with ESMTP id g11IBK804416; Fri, 1 Feb 2002 18:11:20 +0000"
// The subscriber's own handling, months later: a fetch from the mailbox and a local delivery.
const fetched =
  "Received: from mailbox [127.0.0.1] by localhost with IMAP (fetchmail-5.9.0) for ann@localhost (single-drop); Mon, 09 Sep 2002 17:59:43 +0100"
const delivered =
  "Received: by inbox.example.org (Postfix, from userid 500) id 6907016F94; Mon, 9 Sep 2002 18:00:02 +0100"
const internal =
  "Received: from filter.example.org (filter.example.org [10.1.1.4]) by inbox.example.org (Postfix); Mon, 9 Sep 2002 17:59:50 +0100"
const POSTED = "Fri, 1 Feb 2002 12:35:20 -0500"

const message = (date: string, ...hops: ReadonlyArray<string>) =>
  parse(
    withHeaders([
      ...hops,
      "From: Brian <brian@example.com>",
      "To: list@example.net",
      "Subject: install problem",
      `Date: ${date}`,
      "Message-ID: <k1@example.com>"
    ])
  )
const features = (date: string, ...hops: ReadonlyArray<string>) => tokenize(message(date, ...hops)).features
const stale = (date: string, ...hops: ReadonlyArray<string>) =>
  dateStale(parseDate(date)!, message(date, ...hops).received ?? [])

describe("date_stale", () => {
  it("not for a list's post fetched from a mailbox months after the list's relay handed it on", () => {
    // The hand-written ham case: the newest stamp is the fetch's, seven months after the Date;
    // the network's is the same day.
    expect(stale(POSTED, delivered, fetched, listRelay)).toBe(false)
    expect(stale(POSTED, internal, listRelay)).toBe(false)
    expect(features(POSTED, delivered, fetched, listRelay)).not.toContain("date_stale")
  })

  it("a Date more than a week before the network's stamp, whatever sits above it", () => {
    const old = "Mon, 14 Jan 2002 09:00:00 +0000"
    expect(stale(old, listRelay)).toBe(true)
    expect(stale(old, delivered, fetched, listRelay)).toBe(true)
    expect(features(old, delivered, fetched, listRelay)).toContain("date_stale")
    // Six days before it is not stale.
    expect(stale("Sat, 26 Jan 2002 18:00:00 +0000", listRelay)).toBe(false)
  })

  it("reads the newest public hop whose stamp parses", () => {
    const broken = "Received: from relay.example.net (relay.example.net [203.0.113.9]) by mx.example.org; sometime"
    const received = message(POSTED, fetched, broken, listRelay).received ?? []
    expect(networkStamp(received)).toBe(parseDate("Fri, 1 Feb 2002 18:11:20 +0000"))
  })

  it("not without a hop from a public address", () => {
    expect(stale("Mon, 14 Jan 2002 09:00:00 +0000", delivered, fetched, internal)).toBe(false)
    expect(stale("Mon, 14 Jan 2002 09:00:00 +0000")).toBe(false)
    expect(features("Mon, 14 Jan 2002 09:00:00 +0000", delivered, fetched)).not.toContain("date_stale")
  })

  it("weighed towards spam only", () => {
    expect(FEATURE_SIGNS.date_stale).toBe(1)
  })

  const hop = fc.record({
    index: fc.nat(),
    raw: fc.string({ maxLength: 200 }),
    ip: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 40 })), { nil: undefined }),
    date: fc.option(
      fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toUTCString())
      ),
      { nil: undefined }
    )
  })

  test.prop([fc.integer({ min: -1e13, max: 1e13 }), fc.array(hop, { maxLength: 8 })])(
    "never throws on arbitrary Dates and hops",
    (date, received) => {
      expect(typeof dateStale(date, received)).toBe("boolean")
    }
  )

  const localIp = fc.constantFrom(undefined, "127.0.0.1", "10.1.1.4", "192.168.0.4", "172.16.5.5", "::1")
  test.prop([
    fc.date({ min: new Date(2000, 0, 1), max: new Date(2030, 0, 1), noInvalidDate: true }),
    fc.array(hop, { maxLength: 5 }),
    fc.array(fc.tuple(localIp, fc.date({ noInvalidDate: true })), { maxLength: 4 })
  ])("hops from local or private addresses added on top never change it", (date, received, local) => {
    const above: Array<ReceivedHop> = local.map(([ip, d], index) => ({
      index,
      raw: "",
      ...(ip === undefined ? {} : { ip }),
      date: d.toUTCString()
    }))
    expect(dateStale(date.getTime(), [...above, ...received])).toBe(dateStale(date.getTime(), received))
  })

  test.prop([
    fc.date({ min: new Date(2000, 0, 1), max: new Date(2030, 0, 1), noInvalidDate: true }),
    fc.array(fc.date({ min: new Date(2000, 0, 1), max: new Date(2030, 0, 1), noInvalidDate: true }), {
      minLength: 1,
      maxLength: 5
    })
  ])(
    "with every hop from a public address, stale exactly when the newest stamp is a week after the Date",
    (date, stamps) => {
      const received: Array<ReceivedHop> = stamps.map((d, index) => ({
        index,
        raw: "",
        ip: "198.51.100.7",
        date: d.toUTCString()
      }))
      expect(dateStale(date.getTime(), received)).toBe(stamps[0]!.getTime() - date.getTime() > 7 * 24 * 3600_000)
    }
  )
})
