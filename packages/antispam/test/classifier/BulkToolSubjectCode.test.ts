// subject_code_tail: the Subject ends in a bracketed code a bulk tool writes (short lower-case
// letters and digits in four runs, or a tracking code with `@` and a number), on synthetic mail
// through the whole tokenizer and on the check itself; tickets, order numbers, versions, list tags
// and commit hashes never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { subjectCodeTail } from "../../src/classifier/BulkToolSubjectCode.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (subject: string) => tokenize(parse(rfc822({ subject, body: "Hello." }))).features

describe("subject_code_tail", () => {
  it("a bulk tool's code at the subject's end, through the tokenizer", () => {
    expect(features("Visa ~ MasterCard ~ American Express ~ Etc. [ll4k4]")).toContain("subject_code_tail")
    expect(features("BIZ, .INFO, .COM for only $14.95 (5026HbTl0-754G@13)")).toContain("subject_code_tail")
    expect(features("Do you owe the IRS money? [p5fi3]  ")).toContain("subject_code_tail")
    expect(subjectCodeTail("Software that helps you (0766aExl8-42@11)")).toBe(true)
  })

  it("not for tickets, orders, tags, hashes and words", () => {
    for (const subject of [
      "Build failed [Bug 1234]",
      "Re: patch (PROJ-1234)",
      "[SAtalk] spam in Hebrew",
      "Status (fwd)",
      "Broken build [0f3e2a1]",
      "Release notes [v2-rc1]",
      "Exchange crashes (Win2k3)",
      "Mixed case short [Ab3c4]",
      "A hyphen without the number (5026HbTl0-754G)",
      "Deploy done (abc12)",
      "Your order 12a4b5c6",
      "Meeting at 10"
    ])
      expect(features(subject)).not.toContain("subject_code_tail")
    expect(subjectCodeTail(undefined)).toBe(false)
    expect(subjectCodeTail("[ll4k4] at the start")).toBe(false)
  })

  test.prop([fc.string({ maxLength: 2000 })])("never throws on any subject", (subject) => {
    expect(typeof subjectCodeTail(subject)).toBe("boolean")
  })

  test.prop([fc.stringMatching(/^[A-Za-z ]{0,60}$/), fc.stringMatching(/^[A-Za-z]{1,12}-?\d{0,8}$/)])(
    "a code of at most two runs never counts",
    (words, code) => {
      expect(subjectCodeTail(`${words} [${code}]`)).toBe(false)
    }
  )
})
