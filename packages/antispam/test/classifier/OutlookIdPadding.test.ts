// message_id_outlook_padded: Outlook's Message-ID form with every piece zero-padded, through the
// tokenizer and on the check itself; Outlook's own IDs and other forms never count; never throws.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { messageIdOutlookPadded } from "../../src/classifier/OutlookIdPadding.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const features = (id: string) =>
  tokenize(
    parse(
      withHeaders([
        "From: a@example.net",
        "To: b@example.org",
        "Subject: hi",
        "Date: Mon, 1 Jun 2026 10:00:00 +0000",
        `Message-ID: ${id}`
      ])
    )
  ).features

describe("message_id_outlook_padded", () => {
  it("a bulk tool's zero-padded Outlook form", () => {
    expect(features("<00003ed74393$00003e20$00002f2f@bjjwxv>")).toContain("message_id_outlook_padded")
    expect(features("<0000A1B2C3D4$0000FFFF$00001234@mail.example>")).toContain("message_id_outlook_padded")
  })

  it("not for Outlook's own IDs, Outlook 2007's or other forms", () => {
    expect(features("<000c01c24b8a$2b3a4e80$0200a8c0@pc>")).not.toContain("message_id_outlook_padded")
    expect(features("<000001c24b8a$2b3a4e80$00002f2f@pc>")).not.toContain("message_id_outlook_padded")
    expect(features("<000001c8a1b2$1a2b3c4d$5e6f7a8b$@pc>")).not.toContain("message_id_outlook_padded")
    expect(features("<20260601100000.GA1234@example.net>")).not.toContain("message_id_outlook_padded")
  })

  test.prop([fc.option(fc.string({ maxLength: 400 }), { nil: undefined })])("never throws", (id) => {
    expect(typeof messageIdOutlookPadded(id)).toBe("boolean")
  })

  test.prop([fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0x10000, max: 2 ** 32 - 1 })])(
    "zero-padded pieces always count; a second piece of five digits or more never does",
    (a, b) => {
      const hex = (n: number, w: number) => n.toString(16).padStart(w, "0")
      expect(messageIdOutlookPadded(`<0000${hex(a, 8)}$0000${hex(b & 0xffff, 4)}$0000abcd@x>`)).toBe(true)
      expect(messageIdOutlookPadded(`<0000${hex(a, 8)}$${hex(b, 8)}$0000abcd@x>`)).toBe(false)
    }
  )
})
