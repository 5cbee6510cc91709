// The tokenizer names round 35's bulk-tool traits (BulkTool.ts) among its features: a To that
// stands in for the list, a tracking code at the subject's end and the tool's clock in the subject
// reach `feat:` tokens, which the layer weighs towards spam in a late stage of their own.
import { describe, expect, it } from "vitest"
import { bulkToolFeatures } from "../../src/classifier/BulkTool.ts"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { parse, rfc822, withHeaders } from "./support.ts"

describe("bulk tool traits", () => {
  it("names each that holds", () => {
    const message = parse(
      withHeaders([
        "From: mort239o@pac21.westernbarge.com",
        "To: qrgpgprrcd@pac21.westernbarge.com",
        "Subject: Extended Auto Warranty Time:1:30:33 AM (5026HbTl0-754G@13)",
        "Date: Fri, 20 Sep 2002 01:30:33"
      ])
    )
    expect(bulkToolFeatures(message)).toEqual(["to_stand_in", "subject_code_tail", "subject_clock_stamp"])
  })

  it("names round 52's two: a sorted list's neighbours and a Cc field per recipient", () => {
    const message = parse(
      withHeaders([
        "From: GenuineLogHome@example.com",
        "To: webmaster@efi.example",
        "Cc: webmaster@egarde.example.com, webmaster@egay.example.net",
        "Cc: webmaster@egert.example.de",
        "Subject: There is a Genuine Log Home in YOUR Future..."
      ])
    )
    expect(bulkToolFeatures(message)).toEqual(["to_sorted_run", "recipient_field_repeated"])
  })

  it("names round 62's: a subject that calls the recipient by its address", () => {
    const message = parse(
      withHeaders([
        "From: Lakisha Burch <lburch@example.com>",
        "To: <info@example.org>",
        "Subject: Dear info@example.org, July 80% OFF"
      ])
    )
    expect(bulkToolFeatures(message)).toEqual(["subject_names_recipient"])
  })

  it("names nothing for a message with neither", () => {
    expect(bulkToolFeatures(parse(rfc822({ subject: "Hi", body: "Hello.\r\nSee you." })))).toEqual([])
  })

  it("weighed towards spam only, fitted late in a stage of their own", () => {
    expect(FEATURE_SIGNS.to_stand_in).toBe(1)
    expect(FEATURE_SIGNS.subject_code_tail).toBe(1)
    expect(FEATURE_SIGNS.subject_clock_stamp).toBe(1)
    expect(LATE_STAGES).toContainEqual(["to_stand_in", "subject_code_tail", "subject_clock_stamp"])
    expect(FEATURE_SIGNS.to_sorted_run).toBe(1)
    expect(FEATURE_SIGNS.recipient_field_repeated).toBe(1)
    expect(LATE_STAGES).toContainEqual(["to_sorted_run", "recipient_field_repeated"])
    expect(FEATURE_SIGNS.subject_names_recipient).toBe(1)
    expect(LATE_STAGES).toContainEqual(["subject_names_recipient"])
  })
})
