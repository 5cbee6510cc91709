// The From field's addresses: the simple shapes read directly give what the address parser gives,
// and the memo gives the same addresses every time, at most `maxEntries` fields kept, the oldest
// dropped first.
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
    const a = parse("From: a@example.com (A)")
    const b = parse("From: b@example.com (B)")
    expect(parse("From: a@example.com (A)")).toBe(a)
    expect(parse("From: b@example.com (B)")).toBe(b)
    for (const other of ["c", "d", "e", "f"]) parse(`From: ${other}@example.com (${other})`)
    const again = parse("From: a@example.com (A)")
    expect(again).not.toBe(a)
    expect(again).toEqual(["a@example.com"])
  })

  it("keeps nothing with no room, nor a field longer than the memo's limit", () => {
    const none = FromAddresses.make(0)
    expect(none("From: a@example.com (A)")).not.toBe(none("From: a@example.com (A)"))
    const parse = FromAddresses.make(4)
    const long = `From: (${"x".repeat(600)}) <long@example.com>`
    expect(parse(long)).not.toBe(parse(long))
    expect(parse(long)).toEqual(["long@example.com"])
  })

  it("hands out frozen lists (they are shared by every message)", () => {
    expect(Object.isFrozen(FromAddresses.parse("From: f@example.com"))).toBe(true)
    expect(Object.isFrozen(FromAddresses.parse("From: f@example.com (F)"))).toBe(true)
  })

  // The simple shapes and fields near them: every character class the shapes allow, and the ones
  // they exclude (quotes, escapes, operators, non-ASCII, CR/LF), in each place.
  const ws = fc
    .array(fc.constantFrom("", " ", "\t", "\r\n ", "\r\n\t", "\n", "\r", "  "), { maxLength: 3 })
    .map((a) => a.join(""))
  const chars = (pool: string) =>
    fc.array(fc.constantFrom(...pool), { minLength: 0, maxLength: 12 }).map((a) => a.join(""))
  const atext = "abcXYZ019._+=-'"
  const near = `${atext}"\\<>()[],;:@ \t\r\n\xe9\x7f\x00`
  const local = fc.oneof(
    { weight: 4, arbitrary: chars(atext).filter((s) => s.length > 0) },
    { weight: 1, arbitrary: chars(near) }
  )
  const domain = fc.oneof(
    { weight: 4, arbitrary: chars("abcxyz019.-").filter((s) => s.length > 0) },
    { weight: 1, arbitrary: chars(near) }
  )
  const address = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`) },
    { weight: 1, arbitrary: chars(near) }
  )
  const display = fc.oneof(
    fc.constant(""),
    chars(`${atext} !#$%&*/?^\`{|}~<>()[],;:@\t`).map((s) => `"${s}"`),
    chars(near).map((s) => `"${s}"`),
    fc
      .array(
        chars(atext).filter((s) => s.length > 0),
        { minLength: 1, maxLength: 3 }
      )
      .map((w) => w.join(" ")),
    chars(near)
  )
  const fieldName = fc.constantFrom("From:", "FROM :", "from:", "From:", "X\xe9:", "From")
  const shaped = fc
    .tuple(fieldName, ws, display, ws, address, fc.boolean(), ws, fc.constantFrom("", "", "", ",", " x", "(c)", ">"))
    .map(([name, w1, d, w2, a, bracket, w3, tail]) =>
      bracket ? `${name}${w1}${d}${w2}<${a}>${w3}${tail}` : `${name}${w1}${d ? `${d} ` : ""}${a}${w3}${tail}`
    )

  // A shaped field with one character put in, anywhere: the edges of each shape.
  const nudged = fc
    .tuple(
      shaped,
      fc.nat(),
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...`"\\<>(),;:@`) },
        { weight: 1, arbitrary: fc.constantFrom(...`[] \t\r\n\xe9\x7f\x00!#$%&*/?^\`{|}~'=+.-aZ0`) }
      )
    )
    .map(([f, at, c]) => {
      const i = at % (f.length + 1)
      return f.slice(0, i) + c + f.slice(i)
    })

  test.prop([fc.oneof(shaped, nudged)], { numRuns: 10_000 })(
    "reads a simple field as the address parser does, and only then",
    (f) => {
      const address = FromAddresses.simple(f)
      if (address !== undefined) expect([address]).toEqual(FromAddresses.parseUncached(f))
      expect(FromAddresses.parse(f)).toEqual(FromAddresses.parseUncached(f))
    }
  )

  test.prop([fc.string({ maxLength: 60 }), fc.string({ unit: "binary-ascii", maxLength: 60 })])(
    "reads arbitrary text as the address parser does whenever it answers",
    (a, b) => {
      for (const f of [`From: ${a}`, `From: ${b}`, `From: <${b}>`, `From: ${b} <x@example.com>`]) {
        const address = FromAddresses.simple(f)
        if (address !== undefined) expect([address]).toEqual(FromAddresses.parseUncached(f))
      }
    }
  )

  it("answers the common shapes directly", () => {
    for (const [f, a] of [
      ['From: "contract.member" <contract.member@ionexmaxex41.fr>', "contract.member@ionexmaxex41.fr"],
      ["From: John Doe <j.doe+x@example.com>", "j.doe+x@example.com"],
      ["FROM :\r\n\tdave@example.com", "dave@example.com"],
      ["From: <bounce=x@example.com>", "bounce=x@example.com"],
      ['From: "" <a@b.example>', "a@b.example"]
    ] as const) {
      expect(FromAddresses.simple(f)).toBe(a)
      expect(FromAddresses.parseUncached(f)).toEqual([a])
    }
    for (const f of [
      'From: "Bob" <bob@example.org>, carol@example.net',
      "From: a@example.com (A)",
      'From: "B\\"ob" <bob@example.org>',
      "From: undisclosed:;",
      "From: \xc3\xa9mile <e@example.fr>",
      "From: a@b@c"
    ])
      expect(FromAddresses.simple(f)).toBeUndefined()
  })
})
