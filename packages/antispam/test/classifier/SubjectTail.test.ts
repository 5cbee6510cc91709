// subject_number_tail: a number of five or more digits set apart at the end of the Subject, on
// synthetic mail through the whole tokenizer and on the check itself; never throws on any text.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { subjectNumberTail } from "../../src/classifier/SubjectTail.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (subject: string) => tokenize(parse(rfc822({ subject, body: "See you." }))).features

describe("subject_number_tail", () => {
  it("a number after the subject's punctuation, a digit or a gap", () => {
    expect(features("Protect your computer against viruses! 21198")).toContain("subject_number_tail")
    expect(features("Save over $70 on this software suite. 32004")).toContain("subject_number_tail")
    expect(features("Cut Your Monthly Payments By 50% 21405")).toContain("subject_number_tail")
    expect(features("Special No. 17 29264")).toContain("subject_number_tail")
    expect(features("Get Out of Debt Fast   12244 ")).toContain("subject_number_tail")
  })

  it("not for a number a word names, a short number, or a number inside the subject", () => {
    expect(features("Your order 1234567")).not.toContain("subject_number_tail")
    expect(features("Severe thunderstorm warning for 12144")).not.toContain("subject_number_tail")
    expect(features("Meeting at 10:30 1234")).not.toContain("subject_number_tail")
    expect(features("Invoice 12345 for June")).not.toContain("subject_number_tail")
    expect(features("[Bug 123456] crash on start")).not.toContain("subject_number_tail")
    expect(features("Release 2.6.12345")).not.toContain("subject_number_tail")
  })

  it("no Subject is no tail", () => {
    expect(subjectNumberTail(undefined)).toBe(false)
  })

  test.prop([fc.string({ maxLength: 3000 }), fc.integer({ min: 10_000, max: 2 ** 31 })])(
    "never throws; any text closed by ! and a number has the tail",
    (subject, n) => {
      expect(typeof subjectNumberTail(subject)).toBe("boolean")
      expect(subjectNumberTail(`${subject}! ${n}`)).toBe(true)
    }
  )
})
