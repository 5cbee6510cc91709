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

  test.prop([fc.string({ maxLength: 60 })])("never throws on arbitrary text", (s) => {
    IpAddress.parse(s)
  })
})
