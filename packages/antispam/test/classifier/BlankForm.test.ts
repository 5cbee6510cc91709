// text_blank_form: a form of a person's details to fill in and send back, on synthetic mail
// through the whole tokenizer and on the check itself; filled-in details (an order's
// confirmation), one empty label and prose never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { blankForm } from "../../src/classifier/BlankForm.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string, html = false) =>
  tokenize(parse(rfc822({ subject: "More information", body, html }))).features
const offer = "For a free quote, fill out the form below and reply to this message.\r\n\r\n"

describe("text_blank_form", () => {
  it("two or more details to fill in", () => {
    expect(features(`${offer}Name: ____________\r\nPhone: ____________\r\nBest time to call:\r\n`)).toContain(
      "text_blank_form"
    )
    expect(features(`${offer}Full Name:\r\nEmail:\r\n`)).toContain("text_blank_form")
    expect(features(`${offer}* Your name: [ ]\r\n* Day Phone Number: ( )\r\n* E-mail: ...\r\n`)).toContain(
      "text_blank_form"
    )
    expect(features(`${offer}> Name:\r\n> Tel:\r\n`)).toContain("text_blank_form")
  })

  it("read from the text an HTML part reduces to as well", () => {
    expect(
      features("<html><body><p>Reply with:</p><p>Name: ______</p><p>Phone: ______</p></body></html>", true)
    ).toContain("text_blank_form")
  })

  it("not for details filled in, one blank label, or labels inside prose", () => {
    expect(
      features("Your order is confirmed.\r\n\r\nName: Jane Doe\r\nPhone: +1 555 0100\r\nEmail: jane@example.org\r\n")
    ).not.toContain("text_blank_form")
    expect(features("Regards,\r\nJohn Smith\r\nPhone:\r\nEmail: john@example.net\r\n")).not.toContain("text_blank_form")
    expect(features("Please send your name: we need it, and your phone: we call you.\r\n")).not.toContain(
      "text_blank_form"
    )
    expect(features("Tell us:\r\nNamespace:\r\nTelemetry:\r\n")).not.toContain("text_blank_form")
    expect(features("")).not.toContain("text_blank_form")
  })

  test.prop([fc.string({ maxLength: 3000 })])("never throws on any text", (text) => {
    expect(typeof blankForm(text)).toBe("boolean")
  })

  test.prop([
    fc.constantFrom("Name", "Full name", "Your Name"),
    fc.constantFrom("Phone", "Telephone", "Home phone number", "Tel"),
    fc.stringMatching(/^[ _.]{0,20}$/),
    fc.string({ maxLength: 200 }).filter((s) => !s.includes(":"))
  ])("two blank labels count wherever they are; filled in they never do", (name, phone, blank, prose) => {
    expect(blankForm(`${prose}\n${name}:${blank}\n${phone}:${blank}\n${prose}`)).toBe(true)
    expect(blankForm(`${prose}\n${name}: Jane Doe\n${phone}: 555 0100\n${prose}`)).toBe(false)
  })

  // The labels' expressions over the whole text, as the check ran before it read only the lines
  // that end in a colon and blanks: the same answer on any text.
  const label = (l: string) => new RegExp(`^[ \\t*>-]*(?:your )?(?:${l})\\b[^\\n:]{0,15}:[ \\t_.\\[\\]()]*$`, "im")
  const whole = [label("(?:full )?name"), label("(?:day |home |work )?(?:phone|tel|telephone)"), label("e-?mail")]
  const byWholeText = (t: string) => t.includes(":") && whole.filter((re) => re.test(t)).length >= 2

  it("a line ends at CR, U+2028 and U+2029 too, as `$` ends it", () => {
    for (const end of ["\r", "\u2028", "\u2029", "\n"]) {
      expect(blankForm(`Name:${end}Tel: __${end}x`)).toBe(true)
      expect(blankForm(`Name:${end}Tel: __ x${end}x`)).toBe(false)
    }
  })

  test.prop(
    [
      fc.array(
        fc.oneof(
          fc.constantFrom("Name", "your name", "E-mail", "Tel", "Work phone no", "Namespace", "> ", "* ", "wrote", "x"),
          fc.constantFrom(":", ": ", ":__", ":[ ]", ": x", "::", "\n", "\r\n", "\r", "\u2028", "\u2029", " ", "\t"),
          fc.string({ maxLength: 8 })
        ),
        { maxLength: 40 }
      )
    ],
    { numRuns: 1000 }
  )("the lines read give the whole text's answer", (parts) => {
    const text = parts.join("")
    expect(blankForm(text)).toBe(byWholeText(text))
  })

  test.prop([fc.string({ maxLength: 400 })])("the whole text's answer on any text", (text) => {
    expect(blankForm(text)).toBe(byWholeText(text))
  })
})
