// Which SNI names a listener certifies on their own: exact names and one-label wildcards,
// compared case-insensitively without a trailing dot; SNI is hostile input, so `match` must
// never throw and never return a name that was not allowed.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { CaError, ServerNames } from "../../src/tls/index.ts"

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/)
// A letter in the last label: all-digit names would be IPv4 literals, which are never host names.
const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([ls, tld]) => [...ls, tld].join("."))

describe("ServerNames.match", () => {
  it("exact names, case-insensitive, trailing dot stripped", () => {
    const names = ServerNames.compile(["imap.example.com", "Mail.Example.ORG."])
    expect(names.match("imap.example.com")).toBe("imap.example.com")
    expect(names.match("IMAP.Example.Com")).toBe("imap.example.com")
    expect(names.match("mail.example.org.")).toBe("mail.example.org")
    expect(names.match("example.com")).toBeUndefined()
    expect(names.match("x.imap.example.com")).toBeUndefined()
  })

  it("a wildcard stands for exactly one label: *.a.com matches x.a.com, not a.com nor y.x.a.com", () => {
    const names = ServerNames.compile(["*.a.com"])
    expect(names.match("x.a.com")).toBe("x.a.com")
    expect(names.match("X.A.COM.")).toBe("x.a.com")
    expect(names.match("xn--bcher-kva.a.com")).toBe("xn--bcher-kva.a.com")
    expect(names.match("a.com")).toBeUndefined()
    expect(names.match("y.x.a.com")).toBeUndefined()
    expect(names.match(".a.com")).toBeUndefined()
    expect(names.match("*.a.com")).toBeUndefined()
    expect(names.match("xa.com")).toBeUndefined()
  })

  it("IP literals, U-labels, junk and padded values never match", () => {
    const names = ServerNames.compile(["*.example.com", "xn--bcher-kva.example"])
    expect(names.match("xn--bcher-kva.example")).toBe("xn--bcher-kva.example")
    for (const sni of [
      "bücher.example",
      "bücher.example.com",
      "127.0.0.1",
      "[::1]",
      "::1",
      "",
      " a.example.com",
      "a.example.com ",
      "a\u0000.example.com",
      "a b.example.com",
      "-a.example.com",
      `${"a".repeat(64)}.example.com`
    ])
      expect(names.match(sni), JSON.stringify(sni)).toBeUndefined()
  })

  it("an entry that is not a pattern is refused with what was expected", () => {
    expect(() => ServerNames.compile(["imap.example.com", "*.com"])).toThrow(CaError)
    expect(() => ServerNames.compile(["10.0.0.1"])).toThrow(/not an IP address/)
    expect(() => ServerNames.compile(["bücher.example"])).toThrow(/write xn--bcher-kva\.example/)
  })

  test.prop([fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 })])(
    "compile refuses arbitrary entries only with CaError",
    (entries) => {
      try {
        ServerNames.compile(entries)
      } catch (e) {
        expect(e).toBeInstanceOf(CaError)
      }
    }
  )

  const sniLike = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 60 }),
    host,
    fc.tuple(label, host).map(([l, h]) => `${l}.${h}`),
    fc.tuple(label, host).map(([l, h]) => `${l.toUpperCase()}.${h}.`)
  )
  test.prop([
    fc.array(
      fc.oneof(
        host,
        host.map((h) => `*.${h}`)
      ),
      { maxLength: 4 }
    ),
    sniLike
  ])("never throws on arbitrary SNI; what it returns is an allowed name, normalised", (entries, sni) => {
    const got = ServerNames.compile(entries).match(sni)
    if (got === undefined) return
    expect(got).toBe(sni.toLowerCase().replace(/\.$/, ""))
    expect(entries.includes(got) || entries.includes(`*.${got.slice(got.indexOf(".") + 1)}`)).toBe(true)
  })

  test.prop([label, host, fc.array(label, { minLength: 1, maxLength: 3 })])(
    "wildcards: one label below the parent matches, the parent and deeper names do not",
    (first, parent, deeper) => {
      const names = ServerNames.compile([`*.${parent}`])
      expect(names.match(`${first}.${parent}`)).toBe(`${first}.${parent}`)
      expect(names.match(`${first.toUpperCase()}.${parent.toUpperCase()}.`)).toBe(`${first}.${parent}`)
      expect(names.match(parent)).toBeUndefined()
      expect(names.match(`${deeper.join(".")}.${first}.${parent}`)).toBeUndefined()
    }
  )

  test.prop([host, host])("an exact name matches itself and nothing else", (allowed, other) => {
    const names = ServerNames.compile([allowed])
    expect(names.match(allowed)).toBe(allowed)
    if (other !== allowed) expect(names.match(other)).toBeUndefined()
  })
})
