// subject_clock_stamp: the Subject holds the Date field's time of day to the second (a bulk tool's
// clock stamped on each copy), in either clock, on synthetic mail through the whole tokenizer and
// on the check itself; a time a person names (minutes), another second, or no Date never counts;
// never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { subjectClockStamp } from "../../src/classifier/BulkToolSubjectClock.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const features = (subject: string, date: string) =>
  tokenize(parse(withHeaders(["From: ann@example.net", "To: bob@example.org", `Subject: ${subject}`, `Date: ${date}`])))
    .features

describe("subject_clock_stamp", () => {
  it("the send time to the second in the subject, through the tokenizer", () => {
    expect(features("Collect Your Money! Time:1:30:33 AM", "Fri, 20 Sep 2002 01:30:33")).toContain(
      "subject_clock_stamp"
    )
    expect(features("This one will make you money  9/20/02 11:34:52 PM", "Fri, 20 Sep 2002 23:34:52 -0500")).toContain(
      "subject_clock_stamp"
    )
    expect(features("REKLAM 24.07.2002 15:57:41", "Wed, 24 Jul 2002 15:57:41 +0300")).toContain("subject_clock_stamp")
    expect(subjectClockStamp("Time:12:13:18 AM", "Thu, 1 Aug 2002 00:13:18")).toBe(true)
  })

  it("not for times people name, other seconds, or no Date", () => {
    expect(features("Lunch at 12:30?", "Fri, 20 Sep 2002 12:30:00 +0000")).not.toContain("subject_clock_stamp")
    expect(features("Build at 01:30:34", "Fri, 20 Sep 2002 01:30:33 +0000")).not.toContain("subject_clock_stamp")
    expect(features("Build at 01:31:33", "Fri, 20 Sep 2002 01:30:33 +0000")).not.toContain("subject_clock_stamp")
    expect(subjectClockStamp("Time:1:30:33 AM", undefined)).toBe(false)
    expect(subjectClockStamp(undefined, "Fri, 20 Sep 2002 01:30:33")).toBe(false)
    expect(subjectClockStamp("Time:1:30:33 AM", "Fri, 20 Sep 2002")).toBe(false)
    // Digits run on either side: not a time of day.
    expect(subjectClockStamp("Ref 101:30:33", "Fri, 20 Sep 2002 01:30:33")).toBe(false)
    expect(subjectClockStamp("Ref 1:30:331", "Fri, 20 Sep 2002 01:30:33")).toBe(false)
  })

  test.prop([fc.option(fc.string({ maxLength: 500 })), fc.option(fc.string({ maxLength: 500 }))])(
    "never throws on any fields",
    (subject, date) => {
      expect(typeof subjectClockStamp(subject ?? undefined, date ?? undefined)).toBe("boolean")
    }
  )

  test.prop([fc.stringMatching(/^[A-Za-z !?,.]{0,80}$/), fc.date({ min: new Date(0), max: new Date(4e12) })])(
    "a subject without digits never counts",
    (subject, when) => {
      fc.pre(!Number.isNaN(when.getTime()))
      expect(subjectClockStamp(subject, when.toUTCString())).toBe(false)
    }
  )
})
