import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as CidrSet from "../src/net/CidrSet.ts"
import * as ReceivedChain from "../src/received/ReceivedChain.ts"
import { makeMessage } from "./support/messages.ts"

const trusted = CidrSet.compile(["10.0.0.0/8", "2001:db8:ffff::/48"])
const analyse = (
  client: string,
  hops: ReadonlyArray<string | undefined>,
  maxIps = 0,
  own: ReadonlyArray<string> = ["10.9.9.9"]
) => {
  const m = makeMessage({ envelope: { clientAddress: client }, received: hops.map((ip) => ({ ip })) })
  return ReceivedChain.analyse(m.envelope, m.received, { trustedNetworks: trusted, ownAddresses: own, maxIps })
}

describe("Received chain (TESTING #29)", () => {
  it("an untrusted client is the sender; forged trusted-looking headers never move the boundary", () => {
    const r = analyse("203.0.113.9", ["10.0.0.1", "198.51.100.1"])
    expect(r.sender).toBe("203.0.113.9")
    expect(r.selected.map((s) => s.ip)).toEqual(["203.0.113.9"])
    expect(r.hops.map((h) => h.status)).toEqual(["sender", "beyond-limit", "beyond-limit"])
  })

  it("walks through trusted relays and our own address to the first outside hop", () => {
    const r = analyse("10.1.1.1", ["10.9.9.9", "10.2.2.2", "198.51.100.7", "203.0.113.50"])
    expect(r.sender).toBe("198.51.100.7")
    expect(r.hops.map((h) => h.status)).toEqual(["trusted", "own", "trusted", "sender", "beyond-limit"])
    expect(r.hops[3]!.source).toBe("received[2]")
  })

  it("maxIps N selects up to N IPs outward, skipping hops without IPs and duplicates", () => {
    const r = analyse("10.1.1.1", ["198.51.100.7", undefined, "198.51.100.7", "203.0.113.1", "203.0.113.2"], 3)
    expect(r.selected.map((s) => s.ip)).toEqual(["198.51.100.7", "203.0.113.1", "203.0.113.2"])
    const r2 = analyse("10.1.1.1", ["198.51.100.7", "203.0.113.1", "203.0.113.2"], 2)
    expect(r2.selected.map((s) => s.ip)).toEqual(["198.51.100.7", "203.0.113.1"])
  })

  it("IPv4-mapped IPv6 client addresses are treated as IPv4", () => {
    const r = analyse("::ffff:10.1.1.1", ["::ffff:198.51.100.7"])
    expect(r.sender).toBe("198.51.100.7")
  })

  it("no sender when every hop is trusted", () => {
    const r = analyse("10.1.1.1", ["10.2.2.2"])
    expect(r.sender).toBeUndefined()
    expect(r.selected).toEqual([])
  })

  const ip = fc.oneof(fc.ipV4(), fc.constantFrom("10.0.0.1", "10.9.9.9", "10.200.1.1"), fc.ipV6())
  test.prop([ip, fc.array(fc.option(ip, { nil: undefined }), { maxLength: 12 }), fc.nat(6)])(
    "the sender is the first untrusted, non-own IP walking from the client; selection is bounded",
    (client, hops, maxIps) => {
      const r = analyse(client, hops, maxIps)
      const all = [client, ...hops]
      const firstOutside = all.find((x) => x !== undefined && !trusted.has(x) && x !== "10.9.9.9")
      // The walk stops at hops without IP only if nothing outside comes after; compare the normalised form.
      if (r.sender !== undefined)
        expect(CidrSet.parseNetwork(r.sender).text).toBe(CidrSet.parseNetwork(firstOutside!).text)
      else expect(firstOutside).toBeUndefined()
      expect(r.selected.length).toBeLessThanOrEqual(Math.max(1, maxIps))
      expect(new Set(r.selected.map((s) => s.ip)).size).toBe(r.selected.length)
      expect(r.hops).toHaveLength(all.length)
      if (r.selected.length > 0) expect(r.selected[0]!.ip).toBe(r.sender)
    }
  )
})
