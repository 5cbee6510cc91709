// The admin's view of reputation: keys as an admin writes them (every text form of a source is
// the stage's key; malformed text is refused, never thrown), a key's report computed with the
// stage's functions, and a reset that deletes exactly the key named (the embedded store's forget).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Reputation, resolveAntispamSettings } from "../../src/index.ts"

const { Decay, History, Keys, KeyText, MemoryReputationStore, ReputationStage } = Reputation
const HOUR = 3_600_000
const NOW = 10_000 * HOUR

const keyOf = (text: string) => {
  const p = KeyText.parse(text)
  if (!p.ok) throw new Error(p.error)
  return p.key
}

describe("keys as an admin writes them", () => {
  it("every text form of an address, network or domain is the stage's key", () => {
    expect(keyOf("192.0.2.7")).toEqual({ kind: "ip", key: "ip:192.0.2.7", subject: "192.0.2.7" })
    expect(keyOf(" ::ffff:192.0.2.7 ").key).toBe("ip:192.0.2.7")
    expect(keyOf("2001:DB8::1").key).toBe("ip:2001:db8:0:0:0:0:0:1")
    expect(keyOf("[2001:db8::1]").key).toBe("ip:2001:db8:0:0:0:0:0:1")
    expect(keyOf("192.0.2.77/24")).toEqual({ kind: "network", key: "net:192.0.2.0/24", subject: "192.0.2.0/24" })
    expect(keyOf("::ffff:192.0.2.1/24").key).toBe("net:192.0.2.0/24")
    expect(keyOf("2001:db8:0:0:ffff::/64").key).toBe("net:2001:db8:0:0::/64")
    expect(keyOf("Example.NET.")).toEqual({ kind: "domain", key: "domain:example.net", subject: "example.net" })
    // The store's own spelling, as the docs and Redis show it.
    expect(keyOf("ip:192.0.2.7").key).toBe("ip:192.0.2.7")
    expect(keyOf("NET:192.0.2.0/24").key).toBe("net:192.0.2.0/24")
    expect(keyOf("domain:192.0.2.7")).toEqual({ kind: "domain", key: "domain:192.0.2.7", subject: "192.0.2.7" })
    expect(keyOf("domain:1.2.3").key).toBe("domain:1.2.3")
    expect(keyOf("mx1.example.net").key).toBe("domain:mx1.example.net")
  })

  it("is the key the stage derives for a message from that address", () => {
    expect([keyOf("::ffff:198.51.100.9"), keyOf("198.51.100.0/24")]).toEqual(Keys.derive("198.51.100.9", undefined))
    expect(KeyText.scoredWith(keyOf("198.51.100.9"))).toEqual(Keys.derive("198.51.100.9", undefined))
    expect(KeyText.scoredWith(keyOf("198.51.100.0/24")).map((k) => k.key)).toEqual(["net:198.51.100.0/24"])
  })

  it.each([
    ["", /got nothing/],
    ["192.0.2.0/16", /only \/24 \(IPv4\) and \/64 \(IPv6\)/],
    ["2001:db8::/48", /only \/24/],
    ["192.0.2.0/", /only \/24/],
    ["300.1.2.3/24", /not a network/],
    ["ip:example.net", /not an IP address/],
    ["net:192.0.2.7", /needs its prefix length/],
    ["domain:-bad-", /not a domain name/],
    ["a..b", /expected an IP address, a \/24 or \/64 network or a domain name/],
    ["user@example.net", /expected an IP address/],
    ["x".repeat(400), /longer than 300 characters/],
    // Mistyped addresses, not names: a reset would say "no history" and leave the address as it was.
    ["192.0.2.07", /not an IP address \(a domain name never ends in a number/],
    ["1.2.3", /not an IP address/],
    ["0x7f.0.0.1", /not an IP address/],
    ["2130706433", /not an IP address/],
    ["192.0.2.7.", /not an IP address/]
  ])("refuses %j, saying why", (text, why) => {
    const p = KeyText.parse(text)
    expect(p.ok).toBe(false)
    if (!p.ok) expect(p.error).toMatch(why)
  })

  test.prop([fc.string({ maxLength: 80 })])("never throws on any text", (text) => {
    const p = KeyText.parse(text)
    expect(typeof p.ok).toBe("boolean")
  })
  test.prop([fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.domain())])(
    "what parses is written back as its key: the key and the subject parse to it again",
    (text) => {
      const p = KeyText.parse(text)
      if (!p.ok) return
      expect(KeyText.parse(p.key.key)).toEqual(p)
      if (p.key.kind !== "domain") expect(KeyText.parse(p.key.subject)).toEqual(p)
    }
  )
  test.prop([fc.ipV4(), fc.ipV6(), fc.domain()])("addresses and domain names always parse", (v4, v6, name) => {
    expect(KeyText.parse(v4).ok).toBe(true)
    expect(KeyText.parse(v6).ok).toBe(true)
    expect(KeyText.parse(`${v4}/24`).ok).toBe(true)
    expect(KeyText.parse(`${v6}/64`).ok).toBe(true)
    expect(KeyText.parse(`domain:${name}`).ok).toBe(true)
  })
})

describe("a key's report and its reset", () => {
  const settings = resolveAntispamSettings({ reputation: { enabled: true, minMessages: 3 } }).reputation
  const window = Decay.windowAt(NOW, settings.halfLifeHours)
  const ip = keyOf("192.0.2.7")

  it("counts, ratio, the minimum and the symbol are the stage's for the same history", async () => {
    const store = MemoryReputationStore.make(100)
    for (let i = 0; i < 3; i++) await store.record(["ip:192.0.2.7", "net:192.0.2.0/24"], "spam", window)
    await store.record(["net:192.0.2.0/24"], "ham", { ...window, bucket: window.bucket - 4 })
    const report = await History.show(store, settings, KeyText.scoredWith(ip), NOW)
    expect(report.minMessages).toBe(3)
    const [a, net] = report.keys
    const staged = ReputationStage.symbolOf(ip, { ham: 0, spam: 3 }, settings)!
    expect(a).toMatchObject({ key: "ip:192.0.2.7", ham: 0, spam: 3, spamRatio: 0.8, scores: true })
    expect(a!.symbol).toEqual({ name: staged.name, score: staged.score, detail: staged.detail })
    expect(a!.symbol).toMatchObject({ name: "REPUTATION_IP_BAD", score: 1.2 })
    expect(a!.buckets).toEqual([
      { from: new Date(window.bucket * window.bucketSeconds * 1000).toISOString(), ham: 0, spam: 3 }
    ])
    // The ham of one half-life ago counts half.
    expect(net).toMatchObject({ key: "net:192.0.2.0/24", ham: 0.5, spam: 3, scores: true })
    expect(net!.buckets.map((b) => [b.ham, b.spam])).toEqual([
      [1, 0],
      [0, 3]
    ])
  })

  it("below minMessages: counted, not scored", async () => {
    const store = MemoryReputationStore.make(100)
    await store.record(["ip:192.0.2.7"], "spam", window)
    const [a] = (await History.show(store, settings, [ip], NOW)).keys
    expect(a).toMatchObject({ spam: 1, scores: false, symbol: null })
  })

  it("a reset deletes the key named and nothing else; a second has nothing to delete", async () => {
    const store = MemoryReputationStore.make(100)
    await store.record(["ip:192.0.2.7", "net:192.0.2.0/24"], "spam", window)
    expect(await History.reset(store, settings, ip, NOW)).toBe(true)
    expect(await store.lookup(["ip:192.0.2.7", "net:192.0.2.0/24"], window)).toEqual([[], [[window.bucket, 0, 1]]])
    expect(store.size()).toBe(1)
    expect(await History.reset(store, settings, ip, NOW)).toBe(false)
    const [a] = (await History.show(store, settings, [ip], NOW)).keys
    expect(a).toMatchObject({ ham: 0, spam: 0, symbol: null, buckets: [] })
  })

  it("forget counts the keys that had a history, of the window's bucket width only", async () => {
    const store = MemoryReputationStore.make(100)
    const other = { ...window, bucketSeconds: window.bucketSeconds * 2 }
    await store.record(["ip:192.0.2.7"], "spam", window)
    await store.record(["ip:192.0.2.7"], "ham", other)
    expect(await store.forget(["ip:192.0.2.7", "ip:192.0.2.8"], window)).toBe(1)
    expect(await store.lookup(["ip:192.0.2.7"], other)).toEqual([[[other.bucket, 1, 0]]])
  })
})
