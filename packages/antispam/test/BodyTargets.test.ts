import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as BodyTargets from "../src/dnsbl/BodyTargets.ts"
import * as CidrSet from "../src/net/CidrSet.ts"

const skip = CidrSet.compile(["127.0.0.0/8"])

describe("DNSBL body targets", () => {
  it("reduces hosts to registrable domains with the public suffix list", () => {
    expect(BodyTargets.registrableDomain("a.b.example.co.uk")).toBe("example.co.uk")
    expect(BodyTargets.registrableDomain("WWW.Example.COM.")).toBe("example.com")
    expect(BodyTargets.registrableDomain("x.blogspot.com")).toBe("x.blogspot.com")
    expect(BodyTargets.registrableDomain("co.uk")).toBeUndefined()
    expect(BodyTargets.registrableDomain("192.0.2.1")).toBeUndefined()
  })

  it("moves IP hosts to IPs, drops skip-listed IPs before counting, applies limits", () => {
    const t = BodyTargets.extract(
      {
        hosts: ["a.spam.example", "b.spam.example", "192.0.2.5", "c.other.example", "d.third.example"],
        ips: ["127.0.0.1", "192.0.2.4", "192.0.2.5", "192.0.2.6"]
      },
      { maxAddresses: 2, maxDomains: 2, skip }
    )
    expect(t.ips).toEqual(["192.0.2.4", "192.0.2.5"])
    expect(t.domains).toEqual(["spam.example", "other.example"])
    expect(t.dropped.map((d) => d.value)).toEqual(["127.0.0.1", "192.0.2.6", "third.example"])
  })

  const host = fc.domain()
  test.prop([
    fc.array(host, { maxLength: 30 }),
    fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 30 }),
    fc.nat(8),
    fc.nat(8)
  ])(
    "limits hold, results are unique, and nothing is both checked and dropped",
    (hosts, ips, maxAddresses, maxDomains) => {
      const t = BodyTargets.extract({ hosts, ips }, { maxAddresses, maxDomains, skip })
      if (maxAddresses > 0) expect(t.ips.length).toBeLessThanOrEqual(maxAddresses)
      if (maxDomains > 0) expect(t.domains.length).toBeLessThanOrEqual(maxDomains)
      expect(new Set(t.ips).size).toBe(t.ips.length)
      expect(new Set(t.domains).size).toBe(t.domains.length)
      for (const d of t.domains) expect(hosts.some((h) => h.toLowerCase().endsWith(d))).toBe(true)
      const dropped = new Set(t.dropped.map((d) => d.value))
      for (const v of [...t.ips, ...t.domains]) expect(dropped.has(v)).toBe(false)
      for (const ip of t.ips) expect(skip.has(ip)).toBe(false)
    }
  )

  test.prop([
    fc.array(
      fc.oneof(
        host,
        host.map((h) => `WWW.${h.toUpperCase()}.`),
        fc.ipV4(),
        fc.string({ maxLength: 20 })
      ),
      {
        maxLength: 20
      }
    )
  ])("the remembered registrable domain is the one the public suffix list gives, every time", (hosts) => {
    for (const h of [...hosts, ...hosts])
      expect(BodyTargets.registrableDomain(h)).toBe(BodyTargets.registrableDomainUncached(h))
  })
})
