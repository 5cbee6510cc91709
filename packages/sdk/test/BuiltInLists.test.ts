// The built-in DNS lists are expressible with the SDK: the RBL/DNSBL zone provider written with
// `defineBlocklistProvider({ checkEffect })` answers exactly like the built-in one on every
// fixture, and both pass the conformance kit.
// `@mailmoat/antispam` resolves through the workspace's source alias (vitest.shared.ts, tsconfig
// paths) and is deliberately not a package.json dependency: a build edge sdk -> antispam would
// make the SDK wait on (and break with) antispam's build, and forbid antispam from using the SDK.
import type { BlocklistQuery } from "@mailmoat/core"
import { DnsZoneProvider } from "@mailmoat/antispam"
import { Dns, IpAddress } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type Answer, defineBlocklistProvider } from "../src/index.ts"
import { lookup, providerConformance } from "../src/testing.ts"

const dns = Dns.makeStatic({
  "2.0.0.127.bl.test": { A: ["127.0.0.2"], ttl: 900 },
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

/** The DNS zone provider, written against the SDK (what a third party would write). */
const sdkZone = (zone: string, returnCode?: string) =>
  defineBlocklistProvider({
    name: returnCode ? `${zone}:${returnCode}` : zone,
    kinds: ["ip", "domain"],
    timeoutMillis: 50,
    checkEffect: (q): Effect.Effect<Answer> => {
      const ip = q.kind === "ip" ? IpAddress.parse(q.value) : undefined
      const name = q.kind === "ip" ? (ip ? `${IpAddress.reverseLabel(ip)}.${zone}` : undefined) : `${q.value.replace(/\.$/, "")}.${zone}`
      if (name === undefined || name.length > 253) return Effect.succeed({ unknown: "Broken", detail: `cannot query ${q.value}` })
      return dns.resolve("A", name, { timeoutMillis: 50 }).pipe(
        Effect.map(({ records, ttlSeconds }): Answer => {
          // RFC 5782 / Spamhaus: 127.255.255.x and 127.0.1.255 are errors about *us*, never listings.
          const errors = records.filter((a) => a.startsWith("127.255.255.") || a === "127.0.1.255")
          if (errors.length > 0) return { unknown: "ResolverBlocked", detail: errors.join(",") }
          const outside = records.filter((a) => IpAddress.parse(a)?.family !== 4 || IpAddress.parse(a)?.bytes[0] !== 127)
          if (outside.length > 0) return { unknown: "Broken", detail: `answer outside 127.0.0.0/8: ${outside.join(",")}` }
          const codes = returnCode === undefined ? records : records.filter((a) => a === returnCode)
          return codes.length > 0 ? { listed: true, codes, ttlSeconds } : { listed: false, ttlSeconds }
        }),
        Effect.catchTag("DnsError", (e) =>
          Effect.succeed<Answer>(
            e.reason === "NotFound"
              ? { listed: false, ttlSeconds: 60 }
              : e.reason === "Timeout"
                ? { unknown: "Timeout", detail: e.detail }
                : e.reason === "BadName"
                  ? { unknown: "Broken", detail: e.detail }
                  : { unknown: "Unavailable", detail: e.reason }
          )
        )
      )
    }
  })

const builtIn = (spec: string) => DnsZoneProvider.make({ spec: DnsZoneProvider.parseZoneSpec(spec), kinds: ["ip", "domain"], timeoutMillis: 50, dns })

const queries: ReadonlyArray<BlocklistQuery> = [
  ...["127.0.0.2", "127.0.0.4", "127.0.0.254", "127.0.0.255", "127.0.0.9", "127.0.0.5", "127.0.0.6", "127.0.0.1", "2001:db8::1", "not-an-ip"].map((value) => ({ kind: "ip" as const, value })),
  ...["spam.example", "ham.example", "x".repeat(250)].map((value) => ({ kind: "domain" as const, value }))
]

describe("the built-in DNS zone provider, written with the SDK", () => {
  for (const spec of ["bl.test", "bl.test:127.0.0.4"]) {
    it(`answers like the built-in one (${spec})`, async () => {
      const [zone, code] = spec.split(":") as [string, string | undefined]
      for (const q of queries) {
        const expected = await lookup(builtIn(spec), q)
        const actual = await lookup(sdkZone(zone, code), q)
        expect(actual, `${q.kind} ${q.value}`).toEqual(expected)
      }
    })
  }
})

providerConformance(builtIn("bl.test"), {
  slowQuery: { kind: "ip", value: "127.0.0.7" },
  cases: [
    { query: { kind: "ip", value: "127.0.0.2" }, expect: "listed" },
    { query: { kind: "ip", value: "127.0.0.1" }, expect: "notListed" },
    { query: { kind: "ip", value: "127.0.0.254" }, expect: "unknown" }
  ]
})
providerConformance(sdkZone("bl.test"), { slowQuery: { kind: "ip", value: "127.0.0.7" } })
