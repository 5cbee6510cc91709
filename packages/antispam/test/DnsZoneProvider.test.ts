import { Dns } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as DnsZoneProvider from "../src/rbl/DnsZoneProvider.ts"

const dns = Dns.makeStatic({
  "2.0.0.127.bl.test": { A: ["127.0.0.2"] },
  "4.0.0.127.bl.test": { A: ["127.0.0.4", "127.0.0.10"] },
  "254.0.0.127.bl.test": { A: ["127.255.255.254"] },
  "255.0.0.127.bl.test": { A: ["127.0.1.255"] },
  "9.0.0.127.bl.test": { A: ["198.51.100.1"] },
  "5.0.0.127.bl.test": { fail: "ServerFailure" },
  "6.0.0.127.bl.test": { fail: "Refused" },
  "7.0.0.127.bl.test": "hang",
  "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test": { A: ["127.0.0.3"] },
  "spam.example.bl.test": { A: ["127.0.1.2"] }
})
const lookup = (spec: string, kind: "ip" | "domain", value: string) =>
  Effect.runPromise(
    DnsZoneProvider.make({
      spec: DnsZoneProvider.parseZoneSpec(spec),
      kinds: ["ip", "domain"],
      timeoutMillis: 50,
      dns
    }).lookup({ kind, value })
  )

describe("DNS zone answers have five meanings (TESTING #35-37, P17)", () => {
  it("parses zone specs", () => {
    expect(DnsZoneProvider.parseZoneSpec("ZEN.example.")).toEqual({ zone: "zen.example", text: "zen.example" })
    expect(DnsZoneProvider.parseZoneSpec("zen.example:127.0.0.4")).toEqual({
      zone: "zen.example",
      returnCode: "127.0.0.4",
      text: "zen.example:127.0.0.4"
    })
    for (const bad of ["", "nodot", "bl.example:10.0.0.1", "bl.example:127.0.0", "bad_zone!.example", "-x.example"]) {
      expect(() => DnsZoneProvider.parseZoneSpec(bad), bad).toThrow()
    }
  })

  it("classifies listed, not listed, error codes, hijacked answers and failures", async () => {
    expect(await lookup("bl.test", "ip", "127.0.0.2")).toMatchObject({ _tag: "Listed", codes: ["127.0.0.2"] })
    expect(await lookup("bl.test", "ip", "127.0.0.1")).toMatchObject({ _tag: "NotListed" })
    expect(await lookup("bl.test", "ip", "127.0.0.254")).toMatchObject({ _tag: "Unknown", reason: "ResolverBlocked" })
    expect(await lookup("bl.test", "ip", "127.0.0.255")).toMatchObject({ _tag: "Unknown", reason: "ResolverBlocked" })
    expect(await lookup("bl.test", "ip", "127.0.0.9")).toMatchObject({ _tag: "Unknown", reason: "Broken" })
    expect(await lookup("bl.test", "ip", "127.0.0.5")).toMatchObject({ _tag: "Unknown", reason: "Unavailable" })
    expect(await lookup("bl.test", "ip", "127.0.0.6")).toMatchObject({ _tag: "Unknown", reason: "Unavailable" })
    expect(await lookup("bl.test", "ip", "127.0.0.7")).toMatchObject({ _tag: "Unknown", reason: "Timeout" })
    expect(await lookup("bl.test", "ip", "2001:db8::1")).toMatchObject({ _tag: "Listed", codes: ["127.0.0.3"] })
    expect(await lookup("bl.test", "domain", "SPAM.example")).toMatchObject({ _tag: "Listed", codes: ["127.0.1.2"] })
  })

  it("zone:127.0.0.x counts only that answer", async () => {
    expect(await lookup("bl.test:127.0.0.10", "ip", "127.0.0.4")).toMatchObject({
      _tag: "Listed",
      codes: ["127.0.0.10"]
    })
    expect(await lookup("bl.test:127.0.0.2", "ip", "127.0.0.4")).toMatchObject({ _tag: "NotListed" })
    // An error code is never turned into "not listed" by the filter.
    expect(await lookup("bl.test:127.0.0.2", "ip", "127.0.0.254")).toMatchObject({
      _tag: "Unknown",
      reason: "ResolverBlocked"
    })
  })
})
