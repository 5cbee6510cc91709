// to_tagged_for_sender_host: mail to an address its recipient tagged with the sender's own name,
// where the sender mails from a host named for it under another domain (`zzz-unspun@` for From
// `@mediaunspun.imakenews.example`); on synthetic mail parsed by core, and on arbitrary input.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { recipientTaggedForSender, recipientTaggedInSenderHost } from "../../src/classifier/RecipientTag.ts"
import { solicitedFeatures } from "../../src/classifier/SolicitedEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const message = (o: { from?: string; to?: string } = {}): ReadonlyArray<string> => [
  `From: ${o.from ?? "Media Unspun <editor@mediaunspun.bulkmailer.example>"}`,
  `To: ${o.to ?? "<zzz-unspun@example.org>"}`,
  "Subject: This week",
  "Date: Thu, 8 Aug 2002 18:25:56 +0100",
  "Message-Id: <20020808172556.1@bulkmailer.example>"
]
const features = (headers: ReadonlyArray<string>) => solicitedFeatures(parse(withHeaders(headers)))
const host = (from: string, to: string) => recipientTaggedInSenderHost({ from, recipients: [to] })

describe("to_tagged_for_sender_host", () => {
  it("a tag inside a label of From's host above its registrable domain", () => {
    expect(features(message())).toEqual(["to_tagged_for_sender_host"])
    // The whole label, plus-addressing, a two-label public suffix, any case.
    expect(host("<a@unspun.bulkmailer.co.uk>", "Ann+Unspun@example.org")).toBe(true)
    expect(host("<a@news.mediaunspun.bulkmailer.example>", "ann_unspun@example.org")).toBe(true)
  })

  it("not for the registrable domain's own label (to_tagged_for_sender's), nor inside it", () => {
    expect(host("<a@mail.foxsports.com>", "ler+foxsports@example.org")).toBe(false)
    expect(features(message({ from: "<a@mail.foxsports.com>", to: "ler+foxsports@example.org" }))).toEqual([
      "to_tagged_for_sender"
    ])
    // `sports` is inside `foxsports`, the registrable label, not a label above it.
    expect(host("<a@mail.foxsports.com>", "ler+sports@example.org")).toBe(false)
  })

  it("not for a short tag, a mail host's word, a host with no label above its domain, or another sender", () => {
    expect(host("<a@mediaunspun.bulkmailer.example>", "zzz-pun@example.org")).toBe(false)
    expect(host("<a@newsletters.bulkmailer.example>", "zzz-news@example.org")).toBe(false)
    expect(host("<a@mail.bulkmailer.example>", "zzz-mail@example.org")).toBe(false)
    expect(host("<a@mediaunspun.example>", "zzz-unspun@example.org")).toBe(false)
    expect(host("<a@mediaunspun.bulkmailer.example>", "zzz-palmgear@example.org")).toBe(false)
    expect(host("<a@mediaunspun.bulkmailer.example>", "zzz@example.org")).toBe(false)
    // The tag as the address's base, and a digits-only tag.
    expect(host("<a@mediaunspun.bulkmailer.example>", "unspun-zzz@example.org")).toBe(false)
    expect(host("<a@list2002.bulkmailer.example>", "zzz-2002@example.org")).toBe(false)
  })

  it("not when the recipient is in From's own registrable domain, or From names no address", () => {
    expect(host("<a@mediaunspun.bulkmailer.example>", "desk-unspun@bulkmailer.example")).toBe(false)
    expect(host("Media Unspun", "zzz-unspun@example.org")).toBe(false)
  })

  it("the tokenizer names it as a feature token", () => {
    const tokens = tokenize(parse(withHeaders(message())))
    expect(tokens.features).toContain("to_tagged_for_sender_host")
    expect(tokens.tokens).toContain("feat:to_tagged_for_sender_host")
    expect(tokenize(parse(withHeaders(message({ to: "<zzz@example.org>" })))).features).not.toContain(
      "to_tagged_for_sender_host"
    )
  })

  test.prop([
    fc.option(fc.string({ maxLength: 400 }), { nil: undefined }),
    fc.array(fc.string({ maxLength: 400 }), { maxLength: 6 })
  ])("never throws on arbitrary From and recipients", (from, recipients) => {
    expect(typeof recipientTaggedInSenderHost({ from, recipients })).toBe("boolean")
  })

  test.prop([
    fc
      .stringMatching(/^[a-z]{4,10}$/)
      .filter((t) => !/^(?:e?mails?|news|newsletters?|lists?|mailings?|bounces?|smtp|www|info)$/.test(t)),
    fc.stringMatching(/^[a-z]{0,4}$/),
    fc.stringMatching(/^[a-z]{1,8}$/),
    fc.constantFrom("+", "-", "_", ".")
  ])(
    "a tag inside a label above the domain always counts, never with to_tagged_for_sender; the same tag under the domain's own label never",
    (tag, prefix, base, sep) => {
      const to = `<${base}${sep}${tag}@example.org>`
      const from = `<news@${prefix}${tag}.bulkmailer.example>`
      expect(recipientTaggedInSenderHost({ from, recipients: [to] })).toBe(true)
      expect(recipientTaggedForSender({ from, recipients: [to] })).toBe(false)
      expect(recipientTaggedInSenderHost({ from: `<news@mail.x${tag}.example>`, recipients: [to] })).toBe(false)
    }
  )
})
