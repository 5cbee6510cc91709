// The header scans made cheaper (Received stamps parsed up to the first that parses, a date
// without a comment not copied, the subject's first charset from one match, mail-program tokens
// remembered) against the code they replace (kept under oracle/): on any input the new code
// returns exactly what the old code returned.
import type { ReceivedHop } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { dateAnomalies, parseDate } from "../../src/classifier/HeaderAnomalies.ts"
import { mailerToken, subjectEvidence } from "../../src/classifier/HeaderEvidence.ts"
import * as Before from "./oracle/HeadersBefore.ts"
import { parse } from "./support.ts"

// Dates as programs write them, with and without comments and zones, and broken ones.
const dateText = fc.oneof(
  fc.constantFrom(
    "Mon, 1 Jun 2026 10:00:00 +0000",
    "Mon, 1 Jun 2026 10:00:00 -0700 (PDT)",
    "1 Jun 2026 10:00 (GMT)",
    "Tue, 02 Jun 2026 10:00:00 GMT",
    "Sun, 31 May 2026 10:00:00 +0000",
    "Fri, 1 May 2026 10:00:00 +0000",
    "(comment only)",
    "Mon, 1 Jun 2026 (unclosed 10:00:00 +0000",
    "  Mon, 1 Jun 2026 10:00:00 +0000 (a) (b)  ",
    ""
  ),
  fc.string({ maxLength: 60 }),
  fc
    .tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }), fc.boolean())
    .map(([d, h, comment]) => `${d} Jun 2026 ${String(h).padStart(2, "0")}:00:00 +0000${comment ? " (UTC)" : ""}`)
)

const hops = fc
  .array(fc.option(dateText, { nil: undefined }), { maxLength: 25 })
  .map((dates) => dates.map((date, index): ReceivedHop => ({ index, raw: "", date })))

describe("parseDate", () => {
  test.prop([dateText])("gives the old time for any text", (s) => {
    expect(parseDate(s)).toBe(Before.parseDate(s))
  })
})

describe("dateAnomalies", () => {
  test.prop([fc.option(dateText, { nil: undefined }), hops])(
    "gives the old features for any Date and Received stamps",
    (date, received) => {
      const headers = parse(`${date === undefined ? "" : `Date: ${date}\r\n`}Subject: x\r\n\r\nbody\r\n`).headers
      const now = new Set<string>()
      const before = new Set<string>()
      dateAnomalies(headers, received, now)
      Before.dateAnomalies(headers, received, before)
      expect([...now]).toStrictEqual([...before])
    }
  )

  it("reads the newest stamp that parses, below hops whose stamp does not", () => {
    const headers = parse("Date: Mon, 1 Jun 2026 10:00:00 +0000\r\n\r\nbody\r\n").headers
    const received: Array<ReceivedHop> = [
      { index: 0, raw: "", date: "garbage" },
      { index: 1, raw: "", date: "Mon, 20 Jul 2026 10:00:00 +0000" }
    ]
    const features = new Set<string>()
    dateAnomalies(headers, received, features)
    expect([...features]).toContain("date_stale")
  })
})

// Subjects with encoded words (several, with a language, upper and lower case, broken ones).
const subjectText = fc.oneof(
  fc.constantFrom(
    "=?UTF-8?B?SGVsbG8=?= =?KOI8-R?Q?x?=",
    "=?utf-8*en?q?hello?=",
    "Re: [list] =?ISO-8859-1?Q?caf=E9?= and =?big5?B?xx?=",
    "=?weird-charset?b?x?=",
    "=??B?x?=",
    "plain subject",
    "caf\u00e9 8-bit"
  ),
  fc.string({ maxLength: 80 }),
  fc
    .array(fc.constantFrom("=?", "?=", "?b?", "?Q?", "utf-8", "*de", " ", "x", "\u00e9"), { maxLength: 12 })
    .map((parts) => parts.join(""))
)

describe("subjectEvidence", () => {
  test.prop([subjectText, fc.option(fc.string({ maxLength: 40 }), { nil: undefined })])(
    "gives the old tokens and features",
    (raw, decoded) => {
      const now = { tokens: new Set<string>(), features: new Set<string>() }
      const before = { tokens: new Set<string>(), features: new Set<string>() }
      subjectEvidence(raw, decoded, now.tokens, now.features)
      Before.subjectEvidence(raw, decoded, before.tokens, before.features)
      expect([...now.tokens]).toStrictEqual([...before.tokens])
      expect([...now.features]).toStrictEqual([...before.features])
    }
  )
})

describe("mailerToken", () => {
  const mailer = fc.oneof(
    fc.constantFrom("Microsoft Outlook Express 6.00.2800.1106", "Mozilla/5.0 (X11; Linux)", "", "  ", "x".repeat(300)),
    fc.string({ maxLength: 250 })
  )
  test.prop([fc.array(mailer, { maxLength: 300 })])("gives the old token, first and remembered", (mailers) => {
    // Each mailer twice, so the second answer comes from the memo (and many, so it turns over).
    for (const m of [...mailers, ...mailers]) expect(mailerToken(m)).toBe(Before.mailerToken(m))
  })
})
