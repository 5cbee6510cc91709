// to_tagged_for_sender: mail from a sender to the address its recipient tagged for that sender
// (`zzz-shop@` for From `@shop.example`); on synthetic mail parsed by core, and on arbitrary input.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { registrableDomain } from "../../src/classifier/Domains.ts"
import { recipientTaggedForSender } from "../../src/classifier/RecipientTag.ts"
import { solicitedFeatures } from "../../src/classifier/SolicitedEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const STAMP = "Fri, 9 Aug 2002 15:41:41 +0100"

// Through the family's one call (SolicitedEvidence.ts), as the tokenizer reads it.
const tagged = (headers: ReadonlyArray<string>) =>
  solicitedFeatures(parse(withHeaders(headers))).includes("to_tagged_for_sender")

const message = (o: { from?: string; to?: string; extra?: ReadonlyArray<string> } = {}): ReadonlyArray<string> => [
  `Received: from mail.buy4now.ie (mail.buy4now.ie [192.0.2.19]) by mx.example.org (8.11.6/8.11.6) with ESMTP id g79Effb09168 for <zzz@example.org>; ${STAMP}`,
  `From: ${o.from ?? "Buy4Now <newsletters@buy4now.ie>"}`,
  `To: ${o.to ?? "<zzz-buy4now@example.org>"}`,
  "Subject: Back to School",
  "Date: Thu, 8 Aug 2002 18:25:56 +0100",
  "Message-Id: <B4NIIS03Tj7zzobr1wp000091f8@b4niis03>",
  ...(o.extra ?? [])
]

describe("to_tagged_for_sender", () => {
  it("a recipient tagged with the first label of From's registrable domain", () => {
    expect(tagged(message())).toBe(true)
    // Plus-addressing, From at a subdomain of the tag's domain.
    expect(tagged(message({ from: "<FOXSportsFLASH@mailings.foxsports.com>", to: "ler+foxsports@example.org" }))).toBe(
      true
    )
    // The tag in a longer tail (`user-register-com`), a public suffix of two labels, any case.
    expect(tagged(message({ from: "<support@e.register.co.uk>", to: "JM-Register-Com@example.org" }))).toBe(true)
    // A hyphenated label as one tag.
    expect(tagged(message({ from: "<news@buy-now.example>", to: "ann+buy-now@example.org" }))).toBe(true)
  })

  it("read from Cc, Delivered-To and a Received hop's recipient as well as To", () => {
    const to = "<all@example.org>"
    expect(tagged(message({ to, extra: ["Cc: Ann <ann-buy4now@example.org>"] }))).toBe(true)
    expect(tagged(message({ to, extra: ["Delivered-To: ann-buy4now@example.org"] }))).toBe(true)
    const hop = `Received: from mx.example.org (mx.example.org [192.0.2.25]) by inbox.example.org (Postfix) with ESMTP id 4F2A1 for <zzz-buy4now@example.org>; ${STAMP}`
    expect(tagged([hop, ...message({ to })])).toBe(true)
  })

  it("not for an untagged address, another sender's tag, or the tag as the address's base", () => {
    expect(tagged(message({ to: "<zzz@example.org>" }))).toBe(false)
    expect(tagged(message({ to: "<zzz-palmgear@example.org>" }))).toBe(false)
    // The label inside a longer segment is not the tag.
    expect(tagged(message({ to: "<zzz-buy4nowx@example.org>" }))).toBe(false)
    expect(tagged(message({ to: "<zzz-xbuy4now@example.org>" }))).toBe(false)
    // The label as the address's own name, not a tag after it.
    expect(tagged(message({ to: "<buy4now-orders@example.org>" }))).toBe(false)
  })

  it("not when the recipient is in From's own domain, From names no address, or its label is short", () => {
    expect(tagged(message({ to: "<sales-buy4now@buy4now.ie>" }))).toBe(false)
    expect(tagged(message({ to: "<sales-buy4now@mail.buy4now.ie>" }))).toBe(false)
    expect(tagged(message({ from: "Buy4Now newsletters" }))).toBe(false)
    expect(tagged(message({ from: "<news@ab.example>", to: "<zzz-ab@example.org>" }))).toBe(false)
  })

  it("the tokenizer names it as a feature token", () => {
    const tokens = tokenize(parse(withHeaders(message())))
    expect(tokens.features).toContain("to_tagged_for_sender")
    expect(tokens.tokens).toContain("feat:to_tagged_for_sender")
    expect(tokenize(parse(withHeaders(message({ to: "<zzz@example.org>" })))).features).not.toContain(
      "to_tagged_for_sender"
    )
  })

  test.prop([
    fc.option(fc.string({ maxLength: 400 }), { nil: undefined }),
    fc.array(fc.string({ maxLength: 400 }), { maxLength: 6 })
  ])("never throws on arbitrary From and recipients", (from, recipients) => {
    expect(typeof recipientTaggedForSender({ from, recipients })).toBe("boolean")
  })

  test.prop([fc.string({ maxLength: 2000 }), fc.string({ maxLength: 400 }), fc.string({ maxLength: 400 })])(
    "never throws on arbitrary header values through the family's call",
    (from, to, cc) => {
      const clean = (v: string) => v.replace(/[\r\n]/g, " ")
      expect(
        Array.isArray(
          solicitedFeatures(parse(withHeaders([`From: ${clean(from)}`, `To: ${clean(to)}`, `Cc: ${clean(cc)}`])))
        )
      ).toBe(true)
    }
  )

  test.prop([
    fc.stringMatching(/^[a-z][a-z0-9]{2,11}$/),
    fc.stringMatching(/^[a-z]{1,8}$/),
    fc.constantFrom("+", "-", "_", ".")
  ])(
    "an address tagged with the sender's label always counts; the same address from another domain never",
    (label, base, sep) => {
      const to = `<${base}${sep}${label}@example.org>`
      expect(recipientTaggedForSender({ from: `<news@mail.${label}.com>`, recipients: [to] })).toBe(true)
      expect(recipientTaggedForSender({ from: `<news@mail.x${label}.com>`, recipients: [to] })).toBe(false)
    }
  )

  // The check as it read before From's domain waited for a recipient that may hold a tag: the
  // domain looked up first, every recipient's addresses matched.
  const taggedBefore = (from: string | undefined, recipients: ReadonlyArray<string>): boolean => {
    const host = /@([A-Za-z0-9.-]{1,253})/.exec(String(from ?? "").slice(0, 1000))?.[1]
    if (host === undefined) return false
    const domainOf = (h: string) => registrableDomain(h.toLowerCase().replace(/\.+$/, ""))
    const domain = domainOf(host)
    const label = domain?.split(".")[0]
    if (domain === null || label === undefined || label.length < 3) return false
    const separated = (c: string | undefined) => c !== undefined && /[+\-_.]/.test(c)
    for (const value of recipients) {
      let n = 0
      for (const a of String(value)
        .slice(0, 10_000)
        .matchAll(/([A-Za-z0-9._%+=-]{1,64})@([A-Za-z0-9.-]{1,253})/g)) {
        if (++n > 50) break
        const local = a[1]!.toLowerCase()
        for (let at = local.indexOf(label, 1); at > 0; at = local.indexOf(label, at + 1))
          if (separated(local[at - 1]) && (at + label.length === local.length || separated(local[at + label.length])))
            if (domainOf(a[2]!) !== domain) return true
      }
    }
    return false
  }
  const label = fc.constantFrom("buy4now", "shop", "ab", "news", "foxsports")
  const host = fc
    .tuple(fc.constantFrom("", "mail.", "e.", "x"), label, fc.constantFrom(".com", ".co.uk", ".ie", ".example", ""))
    .map(([a, b, c]) => `${a}${b}${c}`)
  const address = fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9]{0,6}$/),
      fc.constantFrom("", "+", "-", "_", ".", "=", "%"),
      fc.oneof(label, fc.stringMatching(/^[A-Za-z0-9.+_-]{0,8}$/)),
      host
    )
    .map(([base, sep, tag, h]) => `${base}${sep}${tag}@${h}`)
  const value = fc
    .tuple(fc.constantFrom("", "Ann ", '"A. Smith" ', "for "), fc.array(address, { minLength: 1, maxLength: 3 }))
    .map(([name, as]) => `${name}<${as.join(">, <")}>`)
  const from = fc.option(
    fc.oneof(
      { weight: 4, arbitrary: host.map((h) => `News <news@${h}>`) },
      { weight: 1, arbitrary: address },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }
    ),
    { nil: undefined }
  )
  test.prop([from, fc.array(value, { maxLength: 5, size: "max" })], {
    numRuns: 1000
  })("answers as the check did when it looked From's domain up first", (from, recipients) => {
    expect(recipientTaggedForSender({ from, recipients })).toBe(taggedBefore(from, recipients))
  })
})
