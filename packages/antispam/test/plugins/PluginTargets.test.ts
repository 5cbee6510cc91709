// What plugin providers are asked: addresses parsed from untrusted header text, normalised,
// deduplicated queries with their origin. Properties: never throws on arbitrary input, every
// query is normalised and unique.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import * as CidrSet from "../../src/net/CidrSet.ts"
import * as PluginTargets from "../../src/plugins/PluginTargets.ts"
import * as ReceivedChain from "../../src/received/ReceivedChain.ts"
import { makeMessage } from "../support/messages.ts"

const options = (message: Parameters<typeof PluginTargets.extract>[0], ownAddress = "127.0.0.1") => ({
  chain: ReceivedChain.analyse(message.envelope, message.received, {
    trustedNetworks: CidrSet.compile([]),
    ownAddresses: [ownAddress],
    maxIps: 0
  }),
  limits: { maxAddresses: 10, maxDomains: 20, skip: CidrSet.compile(["127.0.0.0/8"]) }
})

describe("plugin targets", () => {
  it("takes the first plain address of a From header", () => {
    expect(PluginTargets.headerAddress('"Bob, Jr." <Bob@Example.COM>')).toBe("bob@example.com")
    expect(PluginTargets.headerAddress("alice@example.org (Alice)")).toBe("alice@example.org")
    expect(PluginTargets.headerAddress("=?utf-8?q?x?= <a@[192.0.2.1]>")).toBeUndefined()
    expect(PluginTargets.headerAddress("undisclosed-recipients:;")).toBeUndefined()
    expect(PluginTargets.headerAddress(undefined)).toBeUndefined()
    expect(PluginTargets.normaliseAddress("")).toBeUndefined()
    expect(PluginTargets.normaliseAddress("x@localhost")).toBeUndefined()
  })

  it("orders ip, domain, address; deduplicates; names origins", () => {
    const m = makeMessage({
      envelope: { clientAddress: "198.51.100.20", localAddress: "127.0.0.1", mailFrom: "a@example.org" },
      headers: [["From", "A <A@example.org>"]],
      hosts: ["example.org", "www.example.org"],
      ips: ["198.51.100.20"]
    })
    const t = PluginTargets.extract(m, options(m))
    expect(t.sender).toBe("198.51.100.20")
    // The client IP is also in the body, example.org is a body domain and the From and MAIL FROM
    // domain: one query each, with every origin.
    expect(t.queries).toEqual([
      { kind: "ip", value: "198.51.100.20", origin: "client", origins: ["client", "body"] },
      { kind: "domain", value: "example.org", origin: "body", origins: ["body", "from-header", "mail-from"] },
      { kind: "address", value: "a@example.org", origin: "mail-from", origins: ["mail-from", "from-header"] }
    ])
  })

  it("names a Received hop as the sender's origin and keeps envelope and header origins apart", () => {
    const m = makeMessage({
      envelope: { clientAddress: "127.0.0.1", localAddress: "127.0.0.1", mailFrom: "bounce@lists.example.net" },
      headers: [["From", "news@example.org"]],
      received: [{ ip: "198.51.100.20" }]
    })
    const t = PluginTargets.extract(m, options(m))
    expect(t.queries.map((q) => [q.kind, q.value, q.origins.join(",")])).toEqual([
      ["ip", "198.51.100.20", "received[0]"],
      ["domain", "example.org", "from-header"],
      ["domain", "lists.example.net", "mail-from"],
      ["address", "bounce@lists.example.net", "mail-from"],
      ["address", "news@example.org", "from-header"]
    ])
    expect(Object.isFrozen(t.queries[0]!.origins)).toBe(true)
  })

  it("a null sender (bounce) asks no envelope address", () => {
    const m = makeMessage({ envelope: { clientAddress: "198.51.100.20", mailFrom: "" }, headers: [["Subject", "x"]] })
    expect(PluginTargets.extract(m, options(m)).queries).toEqual([
      { kind: "ip", value: "198.51.100.20", origin: "client", origins: ["client"] }
    ])
  })

  test.prop([fc.string({ maxLength: 300 })])(
    "headerAddress never throws; a result is a lower-case plain address",
    (s) => {
      const a = PluginTargets.headerAddress(s)
      if (a !== undefined) {
        expect(a).toBe(a.toLowerCase())
        expect(a).toMatch(/^[^\s@<>]+@[a-z0-9.-]+$/)
      }
    }
  )

  test.prop([
    fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 40 })),
    fc.oneof(fc.emailAddress(), fc.string({ maxLength: 80 })),
    fc.string({ maxLength: 200 }),
    fc.array(fc.record({ ip: fc.option(fc.oneof(fc.ipV4(), fc.string({ maxLength: 20 })), { nil: undefined }) }), {
      maxLength: 5
    }),
    fc.array(fc.oneof(fc.domain(), fc.string({ maxLength: 30 })), { maxLength: 10 }),
    fc.array(fc.oneof(fc.ipV4(), fc.string({ maxLength: 20 })), { maxLength: 10 })
  ])("extract never throws; queries are unique and normalised", (client, mailFrom, from, received, hosts, ips) => {
    const m = makeMessage({
      envelope: { clientAddress: client, mailFrom },
      headers: [["From", from]],
      received,
      hosts,
      ips
    })
    const t = PluginTargets.extract(m, options(m))
    const keys = t.queries.map((q) => `${q.kind} ${q.value}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const q of t.queries) {
      expect(q.value).toBe(q.value.toLowerCase())
      expect(q.value.length).toBeGreaterThan(0)
      expect(q.origins[0]).toBe(q.origin)
      if (q.kind === "address") expect(q.value).toContain("@")
    }
  })
})
