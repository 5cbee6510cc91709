// The kit on SDK-built values: a well-behaved provider and stage pass it.
import { describe, expect, it } from "vitest"
import { defineBlocklistProvider, defineStage } from "../src/index.ts"
import { Arbitraries, providerConformance, stageConformance, testMessage } from "../src/testing.ts"
import { fc } from "@fast-check/vitest"

const listed = new Set(["192.0.2.1", "spam.example"])
providerConformance(
  defineBlocklistProvider({
    name: "set",
    kinds: ["ip", "domain", "address"],
    timeoutMillis: 100,
    check: async (q) => (listed.has(q.value) ? { listed: true, codes: [q.value] } : null)
  }),
  {
    cases: [
      { query: { kind: "ip", value: "192.0.2.1" }, expect: "listed" },
      { query: { kind: "domain", value: "ham.example" }, expect: "notListed" }
    ]
  }
)

const urlStage = defineStage({
  name: "many-urls",
  phase: "data",
  symbols: {
    MANY_URLS: { weight: 1, description: "More than 5 URLs" },
    NO_SUBJECT: { weight: 0.5, description: "No Subject" }
  },
  run: ({ message, hit }) => [
    ...(message.body.urls.length > 5 ? [hit("MANY_URLS", String(message.body.urls.length))] : []),
    ...(message.headers.get("subject") === undefined ? [hit("NO_SUBJECT")] : [])
  ]
})
stageConformance(urlStage, { messages: [testMessage(), testMessage({ raw: "Subject: x\r\n\r\n" })] })

describe("testMessage", () => {
  it("builds headers, Received hops and body facts", () => {
    const m = testMessage({
      headers: [
        ["Received", "from helo.example (rdns.example [203.0.113.9]) by mx.example; Mon, 1 Jan 2024"],
        ["Subject", "=?iso-8859-1?Q?caf=E9?="]
      ],
      body: "go to https://Evil.example.com/a?b and http://198.51.100.2/x",
      envelope: { clientAddress: "::ffff:192.0.2.5" }
    })
    expect(m.received[0]).toMatchObject({
      helo: "helo.example",
      rdns: "rdns.example",
      ip: "203.0.113.9",
      by: "mx.example"
    })
    expect(m.headers.decoded("subject")).toBe("café")
    expect(m.body.hosts).toEqual(["evil.example.com"])
    expect(m.body.ips).toEqual(["198.51.100.2"])
    expect(m.envelope.clientAddress).toBe("192.0.2.5")
  })

  it("arbitrary message specs always build", () => {
    fc.assert(
      fc.property(Arbitraries.messageSpec, (spec) => {
        expect(testMessage(spec).size).toBeGreaterThan(0)
      })
    )
  })
})
