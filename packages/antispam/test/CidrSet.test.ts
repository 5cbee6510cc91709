import { fc, test } from "@fast-check/vitest"
import { IpAddress } from "@mailmoat/core"
import { describe, expect, it } from "vitest"
import * as CidrSet from "../src/net/CidrSet.ts"

const toBits = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(2).padStart(8, "0")).join("")

describe("CidrSet (allowedIps, trustedNetworks, skip)", () => {
  it("matches IPv4, IPv6 and mapped addresses; rejects bad networks", () => {
    const set = CidrSet.compile(["192.0.2.0/24", "2001:db8::/32", "10.0.0.1"])
    expect(set.match("192.0.2.200")?.text).toBe("192.0.2.0/24")
    expect(set.has("::ffff:192.0.2.1")).toBe(true)
    expect(set.has("2001:db8:1::5")).toBe(true)
    expect(set.has("2001:db9::1")).toBe(false)
    expect(set.has("10.0.0.2")).toBe(false)
    expect(set.has("not an ip")).toBe(false)
    for (const bad of ["192.0.2.0/33", "192.0.2/24", "2001:db8::/129", "x/8", "1.2.3.4/8/9"])
      expect(() => CidrSet.compile([bad]), bad).toThrow()
  })

  test.prop([fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.ipV4()])(
    "agrees with a bitwise prefix comparison",
    (net, len, ip) => {
      const set = CidrSet.compile([`${net}/${len}`])
      const a = toBits(IpAddress.parse(net)!.bytes).slice(0, len)
      const b = toBits(IpAddress.parse(ip)!.bytes).slice(0, len)
      expect(set.has(ip)).toBe(a === b)
    }
  )
})
