import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as IpAddress from "../../src/dns/IpAddress.ts"

describe("IpAddress", () => {
  it("builds RFC 5782 query labels (TESTING #37)", () => {
    expect(IpAddress.reverseLabel(IpAddress.parse("127.0.0.2")!)).toBe("2.0.0.127")
    expect(IpAddress.reverseLabel(IpAddress.parse("2001:db8::1")!)).toBe(
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
    )
    // Node dual-stack remoteAddress form is queried as IPv4.
    expect(IpAddress.reverseLabel(IpAddress.parse("::ffff:192.0.2.1")!)).toBe("1.2.0.192")
    expect(IpAddress.ptrName(IpAddress.parse("192.0.2.1")!)).toBe("1.2.0.192.in-addr.arpa")
  })

  it("parses the IPv6 text forms and rejects junk", () => {
    expect(IpAddress.parse("2001:DB8:0:0:0:0:0:1")?.text).toBe("2001:db8::1")
    expect(IpAddress.parse("::1")?.text).toBe("::1")
    expect(IpAddress.parse("::")?.text).toBe("::")
    expect(IpAddress.parse("::192.0.2.1")?.text).toBe("::c000:201")
    expect(IpAddress.parse("[2001:db8::7]")?.text).toBe("2001:db8::7")
    for (const bad of [
      "",
      "1.2.3",
      "256.1.1.1",
      "01.2.3.4",
      "1::2::3",
      "fe80::1%eth0",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "x.y.z.w"
    ]) {
      expect(IpAddress.parse(bad), bad).toBeUndefined()
    }
  })

  test.prop([fc.ipV4()])("IPv4 round-trips and mapped IPv6 normalises to it", (ip) => {
    const p = IpAddress.parse(ip)!
    expect(p.family).toBe(4)
    expect(IpAddress.parse(p.text)!.text).toBe(p.text)
    expect(IpAddress.parse(`::ffff:${ip}`)!.text).toBe(p.text)
    expect(IpAddress.reverseLabel(p).split(".").reverse().join(".")).toBe(p.text)
  })

  test.prop([fc.ipV6()])("IPv6 canonical text is stable and has 32 nibbles", (ip) => {
    const p = IpAddress.parse(ip)
    expect(p).toBeDefined()
    expect(IpAddress.parse(p!.text)!.text).toBe(p!.text)
    if (p!.family === 6) expect(IpAddress.reverseLabel(p!).split(".")).toHaveLength(32)
  })

  // The reading every dotted quad had before the fast path: four 1-3 digit parts, no leading zero, <= 255.
  const reference = (s: string): string | undefined => {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim())
    if (!m) return undefined
    const parts = m.slice(1)
    return parts.every((x) => !(x.length > 1 && x.startsWith("0")) && Number(x) <= 255)
      ? parts.map(Number).join(".")
      : undefined
  }
  test.prop([
    fc.array(
      fc.oneof(
        fc.nat(300).map(String),
        fc.nat(99).map((n) => `0${n}`),
        fc.constantFrom("", "a", "1e2", " 1")
      ),
      { minLength: 3, maxLength: 5 }
    )
  ])(
    "dotted quads: the same reading as the general path (leading zeros, > 255, wrong part counts refused)",
    (parts) => {
      const text = parts.join(".")
      const p = IpAddress.parse(text)
      const expected = reference(text)
      if (expected === undefined)
        expect(p === undefined || p.family === 6 || p.text === reference(text.trim())).toBe(true)
      else expect(p).toEqual({ family: 4, bytes: new Uint8Array(expected.split(".").map(Number)), text: expected })
    }
  )

  test.prop([fc.string({ maxLength: 60 })])("never throws on arbitrary text", (s) => {
    IpAddress.parse(s)
  })

  describe("the cache of recent addresses", () => {
    const texts = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((ip) => `::ffff:${ip}`),
      fc.ipV4().map((ip) => ` [${ip}] `),
      fc.string({ maxLength: 70 })
    )

    test.prop([fc.array(texts, { maxLength: 40 }), fc.integer({ min: 0, max: 8 })])(
      "gives what the uncached parse gives, however often and in whatever order text comes",
      (list, size) => {
        const parse = IpAddress.makeParse(size)
        for (const text of [...list, ...list.slice().reverse(), ...list])
          expect(parse(text)).toEqual(IpAddress.parseUncached(text))
      }
    )

    it("keeps recent addresses and parses again what was dropped", () => {
      const parse = IpAddress.makeParse(4)
      const a = parse("192.0.2.1")!
      const b = parse("2001:db8::1")!
      expect(parse("192.0.2.1")).toBe(a)
      expect(parse("2001:db8::1")).toBe(b)
      for (const other of ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"]) parse(other)
      const again = parse("192.0.2.1")
      expect(again).not.toBe(a)
      expect(again).toEqual(a)
    })

    it("keeps nothing with no room; host names take no place, other text is remembered as no address", () => {
      const none = IpAddress.makeParse(0)
      expect(none("192.0.2.1")).not.toBe(none("192.0.2.1"))
      const parse = IpAddress.makeParse(1)
      const kept = parse("192.0.2.1")!
      expect(parse("mail.example.com")).toBeUndefined()
      expect(parse("192.0.2.1")).toBe(kept)
      expect(parse("1.2.3")).toBeUndefined()
      expect(parse("1.2.3")).toBeUndefined()
      expect(parse("192.0.2.1")).not.toBe(kept)
    })

    it("hands out frozen addresses (they are shared by every caller)", () => {
      const ip = IpAddress.parse("203.0.113.9")!
      expect(Object.isFrozen(ip)).toBe(true)
      expect(IpAddress.parse("203.0.113.9")).toBe(ip)
    })
  })
})
