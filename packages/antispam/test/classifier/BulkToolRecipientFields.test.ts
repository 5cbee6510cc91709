// recipient_field_repeated: To, Cc or Bcc written more than once (RFC 5322 section 3.6 allows each
// once; a bulk tool writes a field per recipient), on synthetic mail through the whole tokenizer
// and on the check itself; one field with many recipients and the Resent- fields never count.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { recipientFieldRepeated } from "../../src/classifier/BulkToolRecipientFields.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

/** The check on a parsed message's To, Cc and Bcc fields. */
const repeated = (message: { headers: { getAll(name: string): ReadonlyArray<string> } }) =>
  recipientFieldRepeated(message.headers.getAll("to"), message.headers.getAll("cc"), message.headers.getAll("bcc"))

const headers = (recipientLines: ReadonlyArray<string>) =>
  parse(
    withHeaders([
      'From: "Lacy Capella" <latb@example.com>',
      ...recipientLines,
      "Subject: ok?",
      "Date: Sun, 9 Jun 2002 07:53:14 +0100",
      "Message-Id: <20020609075314.A1@example.com>"
    ])
  )

describe("recipient_field_repeated", () => {
  it("a Cc field per recipient, through the tokenizer", () => {
    const message = headers(["To: malcolm@example.net", "Cc: runjonah@example.net", "Cc: shelby@example.net"])
    expect(tokenize(message).features).toContain("recipient_field_repeated")
    expect(repeated(message)).toBe(true)
  })

  it("To twice, or Bcc twice, in any case of the name", () => {
    expect(repeated(headers(["To: a@example.net", "to: b@example.net"]))).toBe(true)
    expect(repeated(headers(["To: a@example.net", "Bcc: b@example.net", "BCC: c@example.net"]))).toBe(true)
  })

  it("not for one field of many recipients, nor for Resent- fields", () => {
    const one = headers(["To: a@example.net, b@example.net", "Cc: c@example.net, d@example.net"])
    expect(repeated(one)).toBe(false)
    expect(tokenize(one).features).not.toContain("recipient_field_repeated")
    const resent = headers(["To: a@example.net", "Resent-To: b@example.net", "Resent-To: c@example.net"])
    expect(repeated(resent)).toBe(false)
  })

  test.prop([fc.array(fc.string({ maxLength: 200 }), { maxLength: 20 })])(
    "never throws on any header lines",
    (lines) => {
      const message = parse(withHeaders(lines.map((l) => l.replace(/[\r\n]/g, " "))))
      expect(typeof repeated(message)).toBe("boolean")
    }
  )
})
