// The tokenizer names round 51's traits (TextHeaderRelation.ts) among its features: a web form's
// report sent to mailboxes on several domains reaches a `feat:` token, which the layer weighs
// towards spam in a late stage of its own.
import { describe, expect, it } from "vitest"
import { FEATURE_SIGNS, LATE_STAGES } from "../../src/classifier/FeatureSigns.ts"
import { textHeaderRelationFeatures } from "../../src/classifier/TextHeaderRelation.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const RULE = "-".repeat(75)
const report = [
  "Below is the result of your feedback form.  It was submitted by",
  " (spock@example.com) on Sunday, July 28, 2002 at 11:51:09",
  RULE,
  "",
  "message: Free phones with any plan! Click the link below.",
  "",
  RULE
].join("\r\n")
const message = (to: string) =>
  parse(
    withHeaders(
      [
        "From: spock@example.com ()",
        `To: ${to}`,
        "Subject: Free phones",
        "Date: Sun, 28 Jul 2002 11:51:09 -0700",
        "Message-ID: <200207281851.g6SIp9x01234@www.site.example>"
      ],
      report
    )
  )

describe("text and header traits through the tokenizer", () => {
  it("names a form's report sent to mailboxes on several domains", () => {
    const relayed = message("ann@one.example, bob@two.example, carl@three.example")
    expect(textHeaderRelationFeatures(relayed)).toEqual(["text_form_report_relayed"])
    expect(tokenize(relayed).features).toContain("text_form_report_relayed")
    expect(tokenize(relayed).tokens).toContain("feat:text_form_report_relayed")
  })

  it("names nothing for the site owner's own report", () => {
    const own = message("webmaster@site.example")
    expect(textHeaderRelationFeatures(own)).toEqual([])
    expect(tokenize(own).features).not.toContain("text_form_report_relayed")
  })

  it("weighed towards spam only, fitted late in a stage of its own", () => {
    expect(FEATURE_SIGNS.text_form_report_relayed).toBe(1)
    expect(LATE_STAGES).toContainEqual(["text_form_report_relayed"])
  })
})
