// The plugin's own tests through the conformance kit and the testing helpers, in the SDK's
// vocabulary (hits, { listed }); run with vitest by scripts/pack-check.mjs.
import {
  cachedLookup,
  loadPlugin,
  lookup,
  providerConformance,
  runStage,
  stageConformance,
  testMessage
} from "@mailmoat/sdk/testing"
import { expect, it } from "vitest"
import plugin, { senderDomains, shouting } from "./index.ts"

const provider = senderDomains(new Set(["bad.example"]))
providerConformance(provider, {
  cases: [
    { query: { kind: "domain", value: "bad.example", origin: "mail-from", origins: ["mail-from"] }, expect: "listed" }
  ],
  numRuns: 20
})
stageConformance(shouting, { messages: [testMessage({ headers: [["Subject", "HELLO WORLD AGAIN"]] })], numRuns: 20 })

it("asks about the envelope sender's domain only", async () => {
  const fromMailFrom = await lookup(provider, {
    kind: "domain",
    value: "bad.example",
    origin: "from-header",
    origins: ["from-header", "mail-from"]
  })
  const fromBody = await lookup(provider, { kind: "domain", value: "bad.example", origin: "body", origins: ["body"] })
  expect(fromMailFrom.listed).toBe(true)
  expect(fromBody.listed).toBe(false)
  const cached = cachedLookup()
  await cached(provider, { kind: "domain", value: "bad.example", origin: "body", origins: ["body"] })
  expect(
    (await cached(provider, { kind: "domain", value: "bad.example", origin: "body", origins: ["body"] })).cached
  ).toBe(false)
})

it("the stage hits on a base64-encoded shouting subject in a multipart message", async () => {
  const m = testMessage({
    raw: 'Subject: =?utf-8?B?U1RPUCBTSE9VVElORyBOT1c=?=\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--b--\n'
  })
  const r = await runStage(shouting, m)
  expect(r.hits.map((h) => [h.symbol, h.score])).toEqual([["ACME_SUBJECT_SHOUTING", 1.5]])
  expect(m.body.texts).toContain("hello")
})

it("loads as the gateway loads it", async () => {
  const loaded = await loadPlugin(plugin, { domains: ["bad.example"] })
  expect(loaded.problems).toEqual([])
  expect(loaded.providers.map((p) => p.name)).toEqual(["acme-sender-domains"])
  expect((await loadPlugin(plugin, { domains: 3 })).problems.join("\n")).toMatch(/domains/)
  await loaded.close()
})
