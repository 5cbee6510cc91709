// subject_number_tail: a number of five or more digits a bulk tool appended to the Subject (after
// !, ? or % or a gap), never a transactional one; on synthetic mail through the whole tokenizer
// and on the check itself; never throws on any text.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { subjectNumberTail } from "../../src/classifier/SubjectTail.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (subject: string) => tokenize(parse(rfc822({ subject, body: "See you." }))).features

describe("subject_number_tail", () => {
  it("a number after the subject's !, ? or %, or after a gap", () => {
    expect(features("Protect your computer against viruses! 21198")).toContain("subject_number_tail")
    expect(features("Are you paying too much? 88123")).toContain("subject_number_tail")
    expect(features("Cut Your Monthly Payments By 50% 21405")).toContain("subject_number_tail")
    expect(features("Get Out of Debt Fast   12244 ")).toContain("subject_number_tail")
    expect(features("FREE CABLE TV!!!\t\t47001")).toContain("subject_number_tail")
  })

  it("not for an order, invoice, ticket or case number", () => {
    for (const subject of [
      "Invoice no. 10234",
      "Invoice No. 10234",
      "Your order #: 1234567",
      "PO# 450012",
      "Case - 48213",
      "Re: [support] 558812",
      "Ticket (ref) 7781234",
      "Account: 00123456",
      "ORDER 123456",
      "your ticket 99812",
      "Ref 334455",
      "Order #12345",
      "Statement 2026-12 10001",
      "Shipment 12 of 3 20001",
      "Thanks for your order. 123456"
    ])
      expect(features(subject), subject).not.toContain("subject_number_tail")
  })

  it("not for a number a word names, a short number, or a number inside the subject", () => {
    expect(features("Your order 1234567")).not.toContain("subject_number_tail")
    expect(features("Special No. 17 29264")).not.toContain("subject_number_tail")
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
