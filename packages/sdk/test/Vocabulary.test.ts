// One answer vocabulary on the SDK surface: the testing helpers report results in the words a
// plugin writes them (`hits`, `{ listed }`, `{ unknown }`), keep the engine's words as deprecated
// extras, and build test messages with the gateway's own parser (MIME, base64, charsets).
import { describe, expect, it } from "vitest"
import { defineBlocklistProvider, defineStage } from "../src/index.ts"
import { cachedLookup, lookup, runStage, testMessage } from "../src/testing.ts"

const table = defineBlocklistProvider({
  name: "vocab-table",
  kinds: ["ip", "domain"],
  timeoutMillis: 500,
  check: async (q) => {
    if (q.value === "192.0.2.1") return { listed: true, codes: ["bad"], score: 3, reason: "botnet", ttlSeconds: 60 }
    if (q.value === "192.0.2.2") return { unknown: "Unavailable", detail: "down" }
    if (q.value === "192.0.2.3") throw new Error("boom")
    return { listed: false, ttlSeconds: 30 }
  }
})

describe("lookup answers in the provider's vocabulary", () => {
  it("listed, not listed, unknown (with the engine's ProviderError for a throw)", async () => {
    expect(await lookup(table, { kind: "ip", value: "192.0.2.1" })).toMatchObject({
      listed: true,
      codes: ["bad"],
      score: 3,
      reason: "botnet",
      ttlSeconds: 60
    })
    expect(await lookup(table, { kind: "ip", value: "192.0.2.9" })).toMatchObject({ listed: false, ttlSeconds: 30 })
    expect(await lookup(table, { kind: "ip", value: "192.0.2.2" })).toMatchObject({
      unknown: "Unavailable",
      detail: "down"
    })
    const threw = await lookup(table, { kind: "ip", value: "192.0.2.3" })
    expect(threw).toMatchObject({ unknown: "ProviderError" })
    expect("listed" in threw).toBe(false)
  })

  it("keeps the deprecated engine form readable", async () => {
    expect(await lookup(table, { kind: "ip", value: "192.0.2.1" })).toMatchObject({ _tag: "Listed" })
    expect(await lookup(table, { kind: "ip", value: "192.0.2.2" })).toMatchObject({
      _tag: "Unknown",
      reason: "Unavailable"
    })
    const cached = cachedLookup()
    await cached(table, { kind: "ip", value: "192.0.2.9" })
    expect(await cached(table, { kind: "ip", value: "192.0.2.9" })).toMatchObject({
      answer: { listed: false, _tag: "NotListed" },
      cached: true
    })
  })

  it("a provider sees where a value was found, frozen", async () => {
    const seen: Array<unknown> = []
    const p = defineBlocklistProvider({
      name: "vocab-origin",
      kinds: ["domain"],
      check: (q) => {
        seen.push([q.origin, q.origins, Object.isFrozen(q.origins)])
        return q.origins?.includes("mail-from") ? { listed: true } : { listed: false, ttlSeconds: 0 }
      }
    })
    expect(
      await lookup(p, {
        kind: "domain",
        value: "example.org",
        origin: "from-header",
        origins: ["from-header", "mail-from"]
      })
    ).toMatchObject({ listed: true })
    expect(await lookup(p, { kind: "domain", value: "example.org", origin: "body", origins: ["body"] })).toMatchObject({
      listed: false
    })
    expect(await lookup(p, { kind: "domain", value: "example.org" })).toMatchObject({ listed: false })
    expect(seen).toEqual([
      ["from-header", ["from-header", "mail-from"], true],
      ["body", ["body"], true],
      [undefined, undefined, true]
    ])
  })
})

describe("runStage reports hits in the stage's vocabulary", () => {
  const stage = defineStage({
    name: "vocab-stage",
    phase: "data",
    symbols: { VOCAB_A: { weight: 2.5, description: "a" } },
    run: ({ hit }) => ({ hits: [hit("VOCAB_A", "why")], decision: { action: "reject", reason: "no" }, facts: { n: 1 } })
  })

  it("hits with their score, the decision as an action, facts; symbols kept (deprecated)", async () => {
    const r = await runStage(stage, testMessage())
    expect(r.hits).toEqual([{ symbol: "VOCAB_A", detail: "why", score: 2.5 }])
    expect(r.decision).toEqual({ action: "reject", reason: "no", _tag: "Reject" })
    expect(r.facts).toEqual({ n: 1 })
    expect(r.symbols).toEqual([{ name: "VOCAB_A", detail: "why", score: 2.5, source: "vocab-stage" }])
  })
})

describe("testMessage parses like the gateway", () => {
  it("a multipart message with a base64 text part and a quoted-printable HTML part", () => {
    const text = Buffer.from("Visit https://shop.example.com/deal now\r\n").toString("base64")
    const m = testMessage({
      raw: [
        "From: a@example.net",
        "Subject: =?utf-8?B?w6lsw6k=?=",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        text,
        "--b1",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        '<a href=3D"http://198.51.100.4/x">caf=C3=A9</a>',
        "--b1--",
        ""
      ].join("\n")
    })
    expect(m.headers.decoded("subject")).toBe("élé")
    expect(m.mime.children).toHaveLength(2)
    expect(m.body.texts.join(" ")).toContain("Visit https://shop.example.com/deal now")
    expect(m.body.urls).toEqual(expect.arrayContaining(["https://shop.example.com/deal", "http://198.51.100.4/x"]))
    expect(m.body.hosts).toContain("shop.example.com")
    expect(m.body.ips).toContain("198.51.100.4")
  })

  it("raw bytes are kept as they are (size, 8-bit content)", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("Subject: x\r\n\r\n"), 0xe9, 0x0d, 0x0a])
    const m = testMessage({ raw: bytes })
    expect(m.size).toBe(bytes.length)
    expect(m.scanView).toEqual(bytes)
  })
})
