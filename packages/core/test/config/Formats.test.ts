// The value formats agree with the parsers that consume them at start-up (antispam CidrSet,
// DnsZoneProvider, EndUserList, platform-node NodeDns); these examples pin that agreement.
import { fc, test as fcTest } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as F from "../../src/config/Formats.ts"

describe("formats", () => {
  it("networks", () => {
    for (const ok of ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "::1", "::ffff:10.0.0.0/104", "0.0.0.0/0"])
      expect(F.isNetwork(ok), ok).toBe(true)
    for (const bad of [
      "300.1.1.1/33",
      "10.0.0.0/33",
      "10.0.0.0/",
      "10.0.0.0/8/8",
      "::/129",
      "::ffff:10.0.0.0/95",
      "bl.example",
      ""
    ])
      expect(F.isNetwork(bad), bad).toBe(false)
  })

  it("zones and zone specs", () => {
    for (const ok of ["bl.example", "zen.example.", "zen.example:127.0.0.4", "a_b.example"])
      expect(F.isZoneSpec(ok), ok).toBe(true)
    for (const bad of ["example", "zen.example:10.0.0.1", "zen.example:", "-a.example", "a..example", ""])
      expect(F.isZoneSpec(bad), bad).toBe(false)
  })

  it("host:port for listeners and upstreams", () => {
    for (const ok of ["127.0.0.1:1143", "imap.example:143", "[::1]:993", "localhost:0"])
      expect(F.isHostPort(ok, 0), ok).toBe(true)
    expect(F.isHostPort("127.0.0.1:0", 1)).toBe(false)
    for (const bad of ["127.0.0.1", "::1:993", "[10.0.0.1]:1", "host:70000", ":143", "a b:1"])
      expect(F.isHostPort(bad, 0), bad).toBe(false)
  })

  it("end-user entries and port lists", () => {
    for (const ok of ["198.51.100.0/24", "user@example.net", "example.net", "2001:db8::1"])
      expect(F.isEndUserEntry(ok), ok).toBe(true)
    for (const bad of ["@example.net", "user@", "not a domain", "300.0.0.0/8"])
      expect(F.isEndUserEntry(bad), bad).toBe(false)
    expect(F.badPortEntries("585, 993, 995")).toEqual([])
    expect(F.badPortEntries("")).toEqual([])
    expect(F.badPortEntries("993,,0, x")).toEqual([
      { position: 2, entry: "" },
      { position: 3, entry: "0" },
      { position: 4, entry: "x" }
    ])
  })
})

describe("isLoopbackHost", () => {
  it("127.0.0.0/8, ::1 and localhost are loopback; anything else is not", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST"])
      expect(F.isLoopbackHost(h), h).toBe(true)
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::2", "mx.example", "127.example"])
      expect(F.isLoopbackHost(h), h).toBe(false)
  })
})

describe("serverNamePattern (protocols.listeners[].serverNames)", () => {
  it("exact names and one-label wildcards, normalised", () => {
    expect(F.serverNamePattern("Mail.Example.ORG.")).toEqual({ kind: "exact", name: "mail.example.org" })
    expect(F.serverNamePattern("xn--bcher-kva.example")).toEqual({ kind: "exact", name: "xn--bcher-kva.example" })
    expect(F.serverNamePattern("*.Customers.Example.NET")).toEqual({
      kind: "wildcard",
      parent: "customers.example.net"
    })
    expect(F.serverNamePattern("mailhost")).toEqual({ kind: "exact", name: "mailhost" })
  })

  it("what is refused says what was expected", () => {
    const expected = (raw: string) => {
      const p = F.serverNamePattern(raw)
      return "expected" in p ? p.expected : undefined
    }
    expect(expected("bücher.example")).toMatch(/punycode A-labels \(write xn--bcher-kva\.example\)/)
    expect(expected("*.com")).toMatch(/at least two labels/)
    expect(expected("a*.b.com")).toMatch(/whole first label only/)
    expect(expected("*.*.b.com")).toMatch(/whole first label over a host name/)
    expect(expected("*")).toMatch(/whole first label only/)
    expect(expected("10.0.0.1")).toMatch(/not an IP address/)
    expect(expected("[::1]")).toMatch(/not an IP address/)
    expect(expected("")).toMatch(/not an empty value/)
    expect(expected("a b.example")).toMatch(/a host name \(labels/)
    expect(expected("-a.example")).toMatch(/a host name \(labels/)
    expect(expected(`${"a".repeat(64)}.example`)).toMatch(/a host name \(labels/)
  })

  fcTest.prop([fc.string({ maxLength: 300 })])("never throws; an accepted entry is stable", (raw) => {
    const p = F.serverNamePattern(raw)
    if ("expected" in p) return
    const text = p.kind === "exact" ? p.name : `*.${p.parent}`
    expect(F.serverNamePattern(text)).toEqual(p)
    expect(text).toBe(text.toLowerCase())
  })
})
