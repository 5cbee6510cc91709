// received_stamp_month_first: a Received hop stamped with the month before the day, on synthetic
// mail through the whole tokenizer and on the check itself; never throws on any hop.
import type { ReceivedHop } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { receivedStampMonthFirst } from "../../src/classifier/ReceivedStamp.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const top =
  "Received: from relay.example.net (relay.example.net [198.51.100.7]) by mx.example.org; Mon, 1 Jun 2026 10:00:05 +0000"
const features = (stamp: string) =>
  tokenize(
    parse(
      rfc822({
        subject: "hello",
        body: "See you.",
        extra: `${top}\r\nReceived: from [203.0.113.9] by n7.lists.example.com with local; ${stamp}`
      })
    )
  ).features
const hop = (date: string | undefined): ReceivedHop => ({ index: 0, raw: `from a by b; ${date}`, date })

describe("received_stamp_month_first", () => {
  it("a hop stamped month first, with or without 12-hour time", () => {
    expect(features("Aug, 25 2002 11:17:27 PM +1100")).toContain("received_stamp_month_first")
    expect(features("Jun, 01 2026 09:38:37 +0300")).toContain("received_stamp_month_first")
    expect(features("June, 1 2026 9:38:37 a.m. -0000")).toContain("received_stamp_month_first")
  })

  it("not for the stamps mail servers write", () => {
    expect(features("Mon, 1 Jun 2026 09:59:58 +0000")).not.toContain("received_stamp_month_first")
    expect(features("1 Jun 2026 09:59:58 -0700 (PDT)")).not.toContain("received_stamp_month_first")
    // A server that writes 12-hour time in an RFC 5322 stamp is no forger.
    expect(features("Mon, 1 Jun 2026 9:59:58 AM +0200")).not.toContain("received_stamp_month_first")
    expect(features("06/01/2026 09:59:58")).not.toContain("received_stamp_month_first")
    expect(tokenize(parse(rfc822({ subject: "hello", body: "See you." }))).features).not.toContain(
      "received_stamp_month_first"
    )
  })

  it("reads each hop's stamp", () => {
    expect(receivedStampMonthFirst([hop("Mon, 1 Jun 2026 10:00:05 +0000"), hop("Aug, 25 2002 11:17:27 PM")])).toBe(true)
    expect(receivedStampMonthFirst([hop(undefined), hop("Mon, 1 Jun 2026 10:00:05 +0000")])).toBe(false)
    expect(receivedStampMonthFirst([])).toBe(false)
  })

  test.prop([fc.array(fc.option(fc.string({ maxLength: 300 }), { nil: undefined }), { maxLength: 60 })])(
    "never throws on any stamps",
    (dates) => {
      expect(typeof receivedStampMonthFirst(dates.map(hop))).toBe("boolean")
    }
  )
})
