// The registrable-domain cache: the same answers as the public suffix list, from keys of its own.
import { fc, test } from "@fast-check/vitest"
import { getDomain } from "tldts"
import { describe, expect, it } from "vitest"
import { BoundedMemo } from "@mailmoat/core"
import { registrableDomain } from "../../src/classifier/Domains.ts"

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/)
const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom("com", "co.uk", "org", "blogspot.com", "zz"))
  .map(([labels, suffix]) => `${labels.join(".")}.${suffix}`)

describe("registrableDomain", () => {
  test.prop([host, fc.string({ maxLength: 200 })])(
    "answers as tldts does, for a host cut out of a longer string, first and cached",
    (h, around) => {
      const block = `Received: from ${h} (${around})\r\n`
      const cut = block.slice(15, 15 + h.length)
      const expected = getDomain(h, { allowPrivateDomains: true })
      expect(registrableDomain(cut)).toBe(expected)
      expect(registrableDomain(h)).toBe(expected)
    }
  )

  it("knows private suffixes and returns null for what has none", () => {
    expect(registrableDomain("mail.example.co.uk")).toBe("example.co.uk")
    expect(registrableDomain("someone.blogspot.com")).toBe("someone.blogspot.com")
    expect(registrableDomain("localhost")).toBe(null)
  })
})

describe("BoundedMemo.detachText", () => {
  test.prop([fc.string({ maxLength: 300 }), fc.nat(300), fc.nat(300)])("has the characters of its input", (s, a, b) => {
    const cut = s.slice(Math.min(a, b), Math.max(a, b))
    expect(BoundedMemo.detachText(cut)).toBe(cut)
  })
})
