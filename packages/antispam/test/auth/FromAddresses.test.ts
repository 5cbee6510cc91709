// The From field memo: the same addresses as the address parser every time, at most
// `maxEntries` fields kept, the oldest dropped first.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as FromAddresses from "../../src/auth/FromAddresses.ts"

const field = fc.oneof(
  fc.constantFrom(
    "From: a@example.com",
    'From: "Bob" <bob@example.org>, carol@example.net',
    "FROM :\r\n\tdave@example.com",
    "From: =?utf-8?q?J=C3=B6rg?= <j@example.de>",
    "From: \xc3\xa9mile <e@example.fr>",
    "From:",
    "no colon here"
  ),
  fc.string({ maxLength: 80 }).map((s) => `From: ${s}`),
  fc.string({ minLength: 500, maxLength: 600 }).map((s) => `From: ${s} <x@example.com>`)
)

describe("FromAddresses", () => {
  test.prop([fc.array(field, { maxLength: 30 }), fc.integer({ min: 0, max: 6 })])(
    "gives what the address parser gives, however often and in whatever order fields come",
    (fields, size) => {
      const parse = FromAddresses.make(size)
      for (const f of [...fields, ...fields.slice().reverse(), ...fields])
        expect(parse(f)).toEqual(FromAddresses.parseUncached(f))
    }
  )

  it("reads the addresses as mailauth's DKIM verifier does", () => {
    expect(FromAddresses.parseUncached('From: "Bob" <bob@example.org>, carol@example.net')).toEqual([
      "bob@example.org",
      "carol@example.net"
    ])
    expect(FromAddresses.parseUncached("From:")).toEqual([])
  })

  it("keeps recent fields and parses again what was dropped", () => {
    const parse = FromAddresses.make(4)
    const a = parse("From: a@example.com")
    const b = parse("From: b@example.com")
    expect(parse("From: a@example.com")).toBe(a)
    expect(parse("From: b@example.com")).toBe(b)
    for (const other of ["c", "d", "e", "f"]) parse(`From: ${other}@example.com`)
    const again = parse("From: a@example.com")
    expect(again).not.toBe(a)
    expect(again).toEqual(["a@example.com"])
  })

  it("keeps nothing with no room, nor a field longer than the memo's limit", () => {
    const none = FromAddresses.make(0)
    expect(none("From: a@example.com")).not.toBe(none("From: a@example.com"))
    const parse = FromAddresses.make(4)
    const long = `From: ${"x".repeat(600)} <long@example.com>`
    expect(parse(long)).not.toBe(parse(long))
    expect(parse(long)).toEqual(["long@example.com"])
  })

  it("hands out frozen lists (they are shared by every message)", () => {
    expect(Object.isFrozen(FromAddresses.parse("From: f@example.com"))).toBe(true)
  })
})
