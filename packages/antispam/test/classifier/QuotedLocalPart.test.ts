// An address whose local part is a quoted string (RFC 5322 section 3.4.1), read as a mail program
// reads it: the address ends at the domain after the quotes (`"Books@Books"@example.com` is at
// example.com, not `Books@Books`), and it is no display name. On the address scan itself, on
// hand-written headers through the tokenizer, and on arbitrary input.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { addresses } from "../../src/classifier/HeaderEvidence.ts"
import { tokenize } from "../../src/classifier/Tokenizer.ts"
import { parse, withHeaders } from "./support.ts"

const headers = (from: string, extra: ReadonlyArray<string> = []) => [
  `From: ${from}`,
  "To: bob@example.org",
  "Subject: Excerpt",
  "Date: Mon, 9 Sep 2002 17:20:53 +0000",
  "Message-ID: <20020909172053.1@mail.example.net>",
  ...extra
]
const tokens = (from: string, extra: ReadonlyArray<string> = []) =>
  tokenize(parse(withHeaders(headers(from, extra)))).tokens

describe("a quoted local part", () => {
  it("the address is at the domain after the quotes", () => {
    expect(addresses('<"Books@Books"@BlackRealityPublishing.example>')).toEqual([
      "Books_Books@BlackRealityPublishing.example"
    ])
    expect(addresses('""@argote.example, "a b"@x.example')).toEqual(["_@argote.example", "a_b@x.example"])
    const t = tokens('<"Books@Books"@BlackRealityPublishing.example>')
    expect(t).toContain("from:dom:blackrealitypublishing.example")
    expect(t).not.toContain("from:dom:books")
  })

  it("is no display name: nothing in it is shown as another address", () => {
    const t = tokenize(parse(withHeaders(headers('"sales@shop.example"@relay.example.net'))))
    expect(t.tokens).toContain("from:no-display")
    expect(t.features).not.toContain("from_display_other_address")
  })

  it("a Reply-To written so is read too", () => {
    const t = tokenize(parse(withHeaders(headers("Alice <alice@example.net>", ['Reply-To: "peter"@other.example']))))
    expect(t.features).toContain("reply_to_other_domain")
  })

  it("a quoted display name before an address in angle brackets reads as before", () => {
    expect(addresses('"Alice Smith" <alice@example.net>')).toEqual(["alice@example.net"])
    expect(addresses('"webmaster@163.example" <webmaster@163.example>')).toEqual([
      "webmaster@163.example",
      "webmaster@163.example"
    ])
    const t = tokenize(parse(withHeaders(headers('"Sales Desk" <sales@shop.example>'))))
    expect(t.tokens).toContain("from:dom:shop.example")
    expect(t.tokens).toContain("from:name:sales")
  })

  test.prop([fc.string({ maxLength: 200 })])(
    "never throws; a value without a quote reads as the plain scan does",
    (value) => {
      const found = addresses(value)
      expect(Array.isArray(found)).toBe(true)
      if (!value.includes('"'))
        expect(found).toEqual((value.match(/[^\s<>,;:"()[\]@]{1,64}@[^\s<>,;:"()[\]@]{1,255}/g) ?? []).slice(0, 500))
      for (const a of found) expect(a).toMatch(/^[^\s<>,;:"()[\]@]+@[^\s<>,;:"()[\]@]+$/)
    }
  )

  test.prop([fc.string({ maxLength: 40 }).filter((s) => !/["\\\r\n]/.test(s)), fc.domain()])(
    "any quoted local part before a domain gives one address at that domain",
    (local, domain) => {
      const found = addresses(`<"${local}"@${domain}>`)
      expect(found).toHaveLength(1)
      expect(found[0]!.slice(found[0]!.lastIndexOf("@") + 1)).toBe(domain)
    }
  )
})
