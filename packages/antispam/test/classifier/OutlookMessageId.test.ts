// message_id_forged_outlook: a Message-ID in Outlook's form whose FILETIME is not the message's
// time, on synthetic mail through the whole tokenizer and on the check itself; the IDs Outlook,
// Outlook Express and Windows Mail write for their own Date never match; never throws.
import type { ReceivedHop } from "@mailmoat/core"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { messageIdForgedOutlook } from "../../src/classifier/OutlookMessageId.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse } from "./support.ts"

const DATE = "Thu, 22 Aug 2002 13:24:37 -0400"
const message = (messageId: string, date: string | null = DATE, received: Array<string> = []) =>
  [
    ...received.map((r) => `Received: ${r}`),
    "From: Alice <alice@example.net>",
    "To: bob@example.org",
    "Subject: lunch",
    ...(date === null ? [] : [`Date: ${date}`]),
    `Message-ID: ${messageId}`,
    "X-Mailer: Microsoft Outlook Express 6.00.2600.0000",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "See you at noon.",
    ""
  ].join("\r\n")
/** `date` null: no Date field. */
const features = (messageId: string, date?: string | null, received?: Array<string>) =>
  tokenize(parse(message(messageId, date, received))).features

/** The ID Outlook would write at `ms` (Unix milliseconds): the FILETIME's high word in digits 5-12. */
const outlookId = (ms: number, host = "pc17") => {
  const high = Math.floor((ms * 1e4 + 11_644_473_600 * 1e7) / 2 ** 32)
  return `<000c${high.toString(16).padStart(8, "0")}$3e1f5a40$0200a8c0@${host}>`
}
const hop = (date: string | undefined): ReceivedHop => ({ index: 0, raw: `from a by b; ${date}`, date })

describe("message_id_forged_outlook", () => {
  it("Outlook's form with random digits, as bulk tools write it", () => {
    expect(features("<000c84d37aae$7338a0a4$3ab55ec5@bjjwxv>")).toContain("message_id_forged_outlook")
    expect(features("<00003ed74393$00003e20$00002f2f@mx02.earthlink.net>")).toContain("message_id_forged_outlook")
    expect(features("<004e01e10eca$6576b5b2$0dd22cc2@qtnqof>")).toContain("message_id_forged_outlook")
  })

  it("not for the IDs Outlook writes at the time of its Date, in any zone, held up to a day", () => {
    const sent = Date.parse(DATE)
    expect(outlookId(sent)).toMatch(/^<000c01c24a/)
    expect(features(outlookId(sent))).not.toContain("message_id_forged_outlook")
    expect(features(outlookId(sent - 20 * 3600_000))).not.toContain("message_id_forged_outlook")
    expect(features(outlookId(sent + 20 * 3600_000).toUpperCase())).not.toContain("message_id_forged_outlook")
    expect(features(outlookId(sent), "Thu, 22 Aug 2002 19:24:37 +0200")).not.toContain("message_id_forged_outlook")
  })

  it("a wrong clock writes the same wrong time into the ID and the Date", () => {
    const wrong = "Sat, 1 Jan 2000 00:00:00 +0000"
    expect(features(outlookId(Date.parse(wrong)), wrong)).not.toContain("message_id_forged_outlook")
  })

  it("the Received stamps count as the message's time too", () => {
    const relayed = Date.parse("Mon, 1 Jun 2026 10:00:05 +0000")
    const stamp =
      "from relay.example.net (relay.example.net [198.51.100.7]) by mx.example.org; Mon, 1 Jun 2026 10:00:05 +0000"
    expect(features(outlookId(relayed), "not a date", [stamp])).not.toContain("message_id_forged_outlook")
    expect(features(outlookId(relayed), DATE, [stamp])).not.toContain("message_id_forged_outlook")
    expect(features(outlookId(relayed), DATE)).toContain("message_id_forged_outlook")
  })

  it("nothing said when no time parses, nor for other forms", () => {
    expect(features("<000c84d37aae$7338a0a4$3ab55ec5@bjjwxv>", "not a date")).not.toContain("message_id_forged_outlook")
    expect(features("<000c84d37aae$7338a0a4$3ab55ec5@bjjwxv>", null)).not.toContain("message_id_forged_outlook")
    // Outlook 2007 and later: a fourth piece; CDO and Exchange: other lengths; others: other forms.
    expect(features("<001d01ca8b45$d3e8f630$7bbae290$@example.com>")).not.toContain("message_id_forged_outlook")
    expect(features("<e0cb701c2591c$bb537380$6b01a8c0@example.com>")).not.toContain("message_id_forged_outlook")
    expect(features("<20020822132437.GA1234@example.net>")).not.toContain("message_id_forged_outlook")
    expect(messageIdForgedOutlook(undefined, DATE, [])).toBe(false)
  })

  it("reads each hop's stamp", () => {
    const id = outlookId(Date.parse("Mon, 1 Jun 2026 10:00:05 +0000"))
    expect(messageIdForgedOutlook(id, undefined, [hop(undefined), hop("Mon, 1 Jun 2026 10:00:05 +0000")])).toBe(false)
    expect(messageIdForgedOutlook(id, undefined, [hop("Thu, 22 Aug 2002 13:24:37 -0400")])).toBe(true)
    expect(messageIdForgedOutlook(id, undefined, [])).toBe(false)
  })

  test.prop([
    fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    fc.array(fc.option(fc.string({ maxLength: 200 }), { nil: undefined }), { maxLength: 30 })
  ])("never throws on any values", (id, date, stamps) => {
    expect(typeof messageIdForgedOutlook(id, date, stamps.map(hop))).toBe("boolean")
  })

  test.prop([
    fc.integer({ min: Date.parse("1990-01-01"), max: Date.parse("2040-01-01") }),
    fc.integer({ min: -25, max: 25 })
  ])("an ID written within a day of the Date is never forged", (ms, hours) => {
    const date = new Date(ms).toUTCString()
    expect(messageIdForgedOutlook(outlookId(Date.parse(date) + hours * 3600_000), date, [])).toBe(false)
  })

  test.prop([
    fc.integer({ min: Date.parse("1990-01-01"), max: Date.parse("2040-01-01") }),
    fc.integer({ min: 2, max: 5000 })
  ])("an ID days or more away from the Date is forged", (ms, days) => {
    const date = new Date(ms).toUTCString()
    expect(messageIdForgedOutlook(outlookId(Date.parse(date) - days * 86_400_000), date, [])).toBe(true)
  })
})
