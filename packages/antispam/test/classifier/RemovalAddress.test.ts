// removal_free_mail: a removal request naming a free-mail mailbox that is not the sender's,
// through the tokenizer and on the check itself; newsletters' list addresses, mailing services,
// a bank's mailto link, a shop's free-mail support address and footer, a club writing from its
// own free-mail mailbox and a quoted removal line never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { removalFreeMail } from "../../src/classifier/RemovalAddress.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, rfc822 } from "./support.ts"

const features = (body: string, o: { from?: string; html?: boolean } = {}) =>
  tokenize(parse(rfc822({ subject: "News", body, ...o }))).features

describe("removal_free_mail", () => {
  it("a removal request to a free-mail mailbox", () => {
    expect(features("Great offer inside.\r\n\r\nTo be removed from our list, email remove4u@yahoo.com\r\n")).toContain(
      "removal_free_mail"
    )
    expect(features("Send a blank message to takemeoff2002@hotmail.com with REMOVE in the subject.\r\n")).toContain(
      "removal_free_mail"
    )
    expect(
      features('<html><body>Offer! <a href="mailto:optout777@excite.com?subject=unsubscribe">here</a></body></html>', {
        html: true
      })
    ).toContain("removal_free_mail")
  })

  it("not for list addresses, services, a bank, a shop's contact, the sender's own mailbox or a quote", () => {
    for (const body of [
      "To unsubscribe, send a message to leave-news-123@lists.example.org\r\n",
      "To be removed, write to remove@mailing.example-esp.com\r\n",
      "Unsubscribe at https://example.com/prefs\r\n",
      "Questions? Write to shopsupport@yahoo.com. To unsubscribe click https://shop.example/u\r\n",
      "Your order has shipped. Contact us: myshop@hotmail.com\r\n",
      "> To be removed email remove4u@yahoo.com\r\nThis spammer again!\r\n",
      "Join the group at groups.yahoo.com. To unsubscribe: club-unsubscribe@yahoogroups.com\r\n"
    ])
      expect(features(body)).not.toContain("removal_free_mail")
    expect(
      features("Club news.\r\nTo be removed, reply to ourclub@yahoo.com\r\n", { from: "Our Club <ourclub@yahoo.com>" })
    ).not.toContain("removal_free_mail")
  })

  test.prop([
    fc.array(fc.string({ maxLength: 2000 }), { maxLength: 3 }),
    fc.array(fc.string({ maxLength: 2000 }), { maxLength: 3 }),
    fc.option(fc.string({ maxLength: 300 }), { nil: undefined })
  ])("never throws", (texts, htmls, from) => {
    expect(typeof removalFreeMail(texts, htmls, from)).toBe("boolean")
  })

  test.prop([
    fc.stringMatching(/^[a-z][a-z0-9]{2,12}$/),
    fc.constantFrom("yahoo.com", "hotmail.com", "excite.com", "msn.com"),
    fc.stringMatching(/^[a-z ]{0,100}$/)
  ])("a removal line to a free mailbox counts unless it is the sender's or quoted", (local, host, prose) => {
    const line = `To be removed, write to ${local}@${host}`
    expect(removalFreeMail([`${prose}\n${line}\n`], [], "x@example.com")).toBe(true)
    expect(removalFreeMail([`${prose}\n${line}\n`], [], `Me <${local}@${host}>`)).toBe(false)
    expect(removalFreeMail([`${prose}\n> ${line}\n`], [], "x@example.com")).toBe(false)
  })
})
