// text_form_report_relayed: a web form's report (From's mailbox in parentheses among the first three
// lines, a rule of dashes among the first six) sent to mailboxes on two or more domains; a site
// owner's own report, a forward's head and an address in prose never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { formReportHead, textFormReportRelayed } from "../../src/classifier/TextFormReport.ts"

const RULE = "-".repeat(75)
/** A report as a form-mail script writes it, the visitor's mailbox `who`, the field `message`. */
const report = (who: string, message = "Free phones with any plan! Click the link below.") =>
  [
    "Below is the result of your feedback form.  It was submitted by",
    ` (${who}) on Sunday, July 28, 2002 at 11:51:09`,
    RULE,
    "",
    `message: ${message}`,
    "",
    RULE
  ].join("\n")
const SENDER = "spock@example.com"
const FROM = `${SENDER} ()`
const MANY = "ann@one.example, bob@two.example, carl@three.example"

describe("text_form_report_relayed", () => {
  it("a form's report naming From's mailbox, sent to mailboxes on several domains", () => {
    expect(textFormReportRelayed([report(SENDER)], FROM, MANY, undefined)).toBe(true)
    expect(textFormReportRelayed([report(SENDER)], FROM, "ann@one.example", "bob@two.example")).toBe(true)
    // The script's sentence in another language, the mailbox on the first line, From in any case.
    const other = [`(${SENDER.toUpperCase()}) 2002/07/28 11:51:09`, RULE, ": IDOL1000"].join("\n")
    expect(textFormReportRelayed([other], FROM, MANY, undefined)).toBe(true)
    expect(textFormReportRelayed(["Hello.", report(SENDER)], `Lizzy Young <${SENDER}>`, MANY, undefined)).toBe(true)
  })

  it("not for a site owner's report: one mailbox, or several of one domain", () => {
    expect(textFormReportRelayed([report(SENDER)], FROM, "owner@site.example", undefined)).toBe(false)
    const one = "owner@site.example, sales@site.example, help@www.site.example"
    expect(textFormReportRelayed([report(SENDER)], FROM, one, undefined)).toBe(false)
    expect(textFormReportRelayed([report(SENDER)], FROM, undefined, undefined)).toBe(false)
  })

  it("not when the mailbox in parentheses is not From's, or there is no rule", () => {
    expect(textFormReportRelayed([report("visitor@example.net")], FROM, MANY, undefined)).toBe(false)
    expect(textFormReportRelayed([report(SENDER)], undefined, MANY, undefined)).toBe(false)
    const noRule = report(SENDER).replaceAll(RULE, "")
    expect(textFormReportRelayed([noRule], FROM, MANY, undefined)).toBe(false)
    const shortRule = report(SENDER).replaceAll(RULE, "-".repeat(19))
    expect(textFormReportRelayed([shortRule], FROM, MANY, undefined)).toBe(false)
  })

  it("not for a forward's head, a signature's rule, or a mailbox in prose further down", () => {
    const forward = ["-----Original Message-----", `From: Spock <${SENDER}>`, "Sent: Monday", "Hello."]
    expect(formReportHead(forward.join("\n"), SENDER)).toBe(false)
    const prose = ["Hello all,", "", "the notes are up.", "Ask me", `(${SENDER}) if`, "--", RULE].join("\n")
    expect(formReportHead(prose, SENDER)).toBe(false)
    const signature = ["Thanks, see you.", "Spock", RULE, `Spock (${SENDER})`].join("\n")
    expect(formReportHead(signature, SENDER)).toBe(false)
  })

  it("the rule may stand above the mailbox; both within the head's lines", () => {
    expect(formReportHead([RULE, `(${SENDER})`, "text"].join("\n"), SENDER)).toBe(true)
    const late = ["a", "b", "c", `(${SENDER})`, RULE].join("\n")
    expect(formReportHead(late, SENDER)).toBe(false)
    const far = [`(${SENDER})`, "a", "b", "c", "d", "e", RULE].join("\n")
    expect(formReportHead(far, SENDER)).toBe(false)
  })

  it("skips what is not a text", () => {
    expect(textFormReportRelayed([undefined, 7, null], FROM, MANY, undefined)).toBe(false)
    expect(textFormReportRelayed([], FROM, MANY, undefined)).toBe(false)
  })

  test.prop([
    fc.array(fc.oneof(fc.string({ maxLength: 2000 }), fc.anything()), { maxLength: 4 }),
    fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 300 }), { nil: undefined })
  ])("never throws on any texts and fields", (texts, from, to, cc) => {
    expect(typeof textFormReportRelayed(texts, from, to, cc)).toBe("boolean")
  })

  test.prop([fc.array(fc.stringMatching(/^[A-Za-z][a-z]{0,8}( [a-z()@.]{1,12}){0,9}[.,!?]?$/), { maxLength: 40 })])(
    "lines without a rule of dashes never count",
    (lines) => {
      expect(textFormReportRelayed([[`(${SENDER})`, ...lines].join("\n")], FROM, MANY, undefined)).toBe(false)
    }
  )

  test.prop([fc.string({ maxLength: 400 }), fc.integer({ min: 2, max: 6 })])(
    "a report naming From's mailbox always counts to mailboxes on two or more domains, never to one",
    (message, n) => {
      const text = report(SENDER, message.replace(/[\r\n]/g, " "))
      const to = Array.from({ length: n }, (_, i) => `user${i}@d${i}.example`).join(", ")
      expect(textFormReportRelayed([text], FROM, to, undefined)).toBe(true)
      const same = Array.from({ length: n }, (_, i) => `user${i}@site.example`).join(", ")
      expect(textFormReportRelayed([text], FROM, same, undefined)).toBe(false)
    }
  )
})
