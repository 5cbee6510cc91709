// list_approved: LISTSERV's Approved-By naming an address (a list whose owner approves each post);
// on synthetic mail parsed by core, and on arbitrary input.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { listApproved } from "../../src/classifier/ListApproved.ts"
import { solicitedFeatures } from "../../src/classifier/SolicitedEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const message = (extra: ReadonlyArray<string>): ReadonlyArray<string> => [
  "From: Slang of the Day! <dailyslang@example.com>",
  "Sender: Daily Slang List <DAILYSLANG@LISTSERV.EXAMPLE.COM>",
  "To: DAILYSLANG@LISTSERV.EXAMPLE.COM",
  "Subject: Slang of the Day!",
  "Date: Wed, 24 Jul 2002 16:57:11 -0400",
  "Message-ID: <924461.1027544231700.JavaMail.root@kudu>",
  ...extra
]

// Through the family's one call (SolicitedEvidence.ts), as the tokenizer reads it.
const approved = (extra: ReadonlyArray<string>) =>
  solicitedFeatures(parse(withHeaders(message(extra)))).includes("list_approved")

describe("list_approved", () => {
  it("an Approved-By header naming an address, in any case of its name", () => {
    expect(approved(["Approved-By: dailyslang@EXAMPLE.COM"])).toBe(true)
    expect(approved(["Approved-BY: DoNotUse@WORDS.EXAMPLE.ORG"])).toBe(true)
    expect(approved(["Approved-By: The owner <owner@list.example.com>"])).toBe(true)
  })

  it("not without the header, for one naming no address, or for Mailman's Approved password", () => {
    expect(approved([])).toBe(false)
    expect(approved(["Approved-By: yes"])).toBe(false)
    expect(approved(["Approved-By: owner@localhost"])).toBe(false)
    expect(approved(["Approved: secret"])).toBe(false)
    expect(approved(["Approved: owner@list.example.com"])).toBe(false)
  })

  it("the tokenizer names it as a feature token", () => {
    const tokens = tokenize(parse(withHeaders(message(["Approved-By: dailyslang@EXAMPLE.COM"]))))
    expect(tokens.tokens).toContain("feat:list_approved")
    expect(tokenize(parse(withHeaders(message([])))).features).not.toContain("list_approved")
  })

  test.prop([fc.array(fc.string({ maxLength: 600 }), { maxLength: 4 })])(
    "never throws on arbitrary values",
    (values) => {
      expect(typeof listApproved(values)).toBe("boolean")
    }
  )

  test.prop([fc.stringMatching(/^[a-z0-9._-]{1,20}@[a-z0-9-]{1,20}(?:\.[a-z]{2,6}){1,2}$/)])(
    "any such address counts, in angle brackets or not; the same text without its @ never",
    (address) => {
      expect(listApproved([`List owner <${address}>`])).toBe(true)
      expect(listApproved([address])).toBe(true)
      expect(listApproved([address.replace("@", " at ")])).toBe(false)
    }
  )
})
