// The admin's listing of reputation keys: its query (never a throw, bounded limit, a cursor that
// is a previous page's), the embedded store's walk (every key once over the pages, other kinds
// and bucket widths left out, bounded steps, listing is not a use) and the page's order (worst:
// the bad symbols first; recent: the newest buckets first), an address with its network's report.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Reputation, resolveAntispamSettings } from "../../src/index.ts"

const { Decay, Listing, MemoryReputationStore } = Reputation
const HOUR = 3_600_000
const NOW = 10_000 * HOUR

const queryOf = (params: Record<string, string>) => Listing.parseQuery((name) => params[name])

describe("the listing's query", () => {
  it("takes its defaults and the values an admin writes", () => {
    expect(queryOf({})).toEqual({ ok: true, query: { kind: "ip", order: "worst", limit: 20, cursor: undefined } })
    expect(queryOf({ cursor: "18446744073709551615" })).toMatchObject({ ok: true })
    expect(queryOf({ kind: "domain", order: "recent", limit: "100", cursor: "4000" })).toEqual({
      ok: true,
      query: { kind: "domain", order: "recent", limit: 100, cursor: "4000" }
    })
  })

  it.each([
    [{ kind: "network" }, /kind: expected ip, net or domain/],
    [{ order: "best" }, /order: expected worst or recent/],
    [{ limit: "0" }, /limit: expected a whole number from 1 to 100/],
    [{ limit: "101" }, /from 1 to 100, got "101"/],
    [{ limit: "-5" }, /limit/],
    [{ limit: "1e2" }, /limit/],
    [{ cursor: "abc" }, /cursor: expected the "next" of a previous page/],
    [{ cursor: "1".repeat(21) }, /cursor/],
    // Past Redis's 64-bit SCAN cursor: Redis answers "invalid cursor", which is no outage.
    [{ cursor: "18446744073709551616" }, /cursor: expected the "next" of a previous page/],
    [{ cursor: "99999999999999999999" }, /cursor/]
  ])("refuses %j, saying why", (params, why) => {
    const p = queryOf(params)
    expect(p.ok).toBe(false)
    if (!p.ok) expect(p.error).toMatch(why)
  })

  test.prop([fc.dictionary(fc.constantFrom("kind", "order", "limit", "cursor", "x"), fc.string({ maxLength: 30 }))])(
    "never throws; what it takes has a kind, an order, a limit from 1 to 100 and a digits-only cursor",
    (params) => {
      const p = queryOf(params)
      if (!p.ok) {
        expect(typeof p.error).toBe("string")
        return
      }
      expect(["ip", "net", "domain"]).toContain(p.query.kind)
      expect(["worst", "recent"]).toContain(p.query.order)
      expect(p.query.limit).toBeGreaterThanOrEqual(1)
      expect(p.query.limit).toBeLessThanOrEqual(Listing.MAX_LIMIT)
      if (p.query.cursor !== undefined) {
        expect(p.query.cursor).toMatch(/^\d{1,20}$/)
        expect(BigInt(p.query.cursor) < 2n ** 64n).toBe(true)
      }
    }
  )
})

describe("the embedded store's walk", () => {
  const window = Decay.windowAt(NOW, 72)

  test.prop([fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }), fc.integer({ min: 1, max: 50 })])(
    "pages cover every key of the kind once, and nothing else",
    async (ids, sample) => {
      const store = MemoryReputationStore.make(10_000)
      const names = ids.map((i) => `ip:10.${i >> 8}.${i & 255}.1`)
      for (const [i, n] of names.entries()) {
        await store.record([n], "spam", window)
        // Other kinds and another bucket width interleaved: stepped over, never listed.
        if (i % 3 === 0) await store.record([`domain:d${i}.example`], "ham", window)
        if (i % 5 === 0) await store.record([n], "ham", { ...window, bucketSeconds: window.bucketSeconds * 2 })
      }
      const seen: Array<string> = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await store.list({ prefix: "ip:", cursor, sample }, window)
        expect(page.keys.length).toBeLessThanOrEqual(sample)
        seen.push(...page.keys.map((k) => k.key))
        cursor = page.next
        pages++
      } while (cursor !== undefined && pages < 10_000)
      expect(seen.sort()).toEqual([...names].sort())
    }
  )

  it("steps over at most four entries per key asked for, and listing is no use of a key", async () => {
    const store = MemoryReputationStore.make(1000)
    for (let i = 0; i < 100; i++) await store.record([`domain:d${i}.example`], "ham", window)
    await store.record(["ip:192.0.2.7"], "spam", window)
    const first = await store.list({ prefix: "ip:", sample: 10 }, window)
    expect(first).toEqual({ keys: [], next: "40" })
    // The oldest key is still the first to go when the store is full: listing touched nothing.
    store.resize(101)
    await store.list({ prefix: "domain:", sample: 200 }, window)
    await store.record(["ip:192.0.2.8"], "spam", window)
    expect(await store.lookup(["domain:d0.example", "domain:d1.example"], window)).toEqual([
      [],
      [[window.bucket, 1, 0]]
    ])
  })
})

describe("a page of reports", () => {
  const settings = resolveAntispamSettings({ reputation: { enabled: true, minMessages: 3 } }).reputation
  const window = Decay.windowAt(NOW, settings.halfLifeHours)
  const count = async (
    store: Reputation.ReputationStoreShape,
    keys: ReadonlyArray<string>,
    ham: number,
    spam: number,
    at = window
  ) => {
    for (let i = 0; i < ham; i++) await store.record(keys, "ham", at)
    for (let i = 0; i < spam; i++) await store.record(keys, "spam", at)
  }

  it("worst first: bad symbols by score, then the unscored by spam, then the good; an address with its network", async () => {
    const store = MemoryReputationStore.make(100)
    await count(store, ["ip:192.0.2.1"], 5, 0)
    await count(store, ["ip:192.0.2.2", "net:192.0.2.0/24"], 0, 9)
    await count(store, ["ip:198.51.100.3"], 0, 2)
    await count(store, ["ip:198.51.100.4"], 1, 4)
    await count(store, ["domain:example.net"], 0, 9)
    const page = await Listing.list(store, settings, { kind: "ip", order: "worst", limit: 3 }, NOW)
    expect(page.keys.map((k) => [k.key, k.symbol?.name ?? null])).toEqual([
      ["ip:192.0.2.2", "REPUTATION_IP_BAD"],
      ["ip:198.51.100.4", "REPUTATION_IP_BAD"],
      ["ip:198.51.100.3", null]
    ])
    expect(page).toMatchObject({ kind: "ip", order: "worst", ranked: 4, next: null, minMessages: 3 })
    expect(page.keys[0]!.network).toMatchObject({
      key: "net:192.0.2.0/24",
      spam: 9,
      symbol: { name: "REPUTATION_NET_BAD" }
    })
    expect(page.keys[1]!.network).toMatchObject({ key: "net:198.51.100.0/24", spam: 0, symbol: null })
    const all = await Listing.list(store, settings, { kind: "ip", order: "worst", limit: 10 }, NOW)
    expect(all.keys.at(-1)).toMatchObject({ key: "ip:192.0.2.1", symbol: { name: "REPUTATION_IP_GOOD" } })
    const domains = await Listing.list(store, settings, { kind: "domain", order: "worst", limit: 10 }, NOW)
    expect(domains.keys.map((k) => [k.key, k.network])).toEqual([["domain:example.net", undefined]])
  })

  it("recent first: the newest bucket, then the most messages; keys whose buckets all left the window are left out", async () => {
    const store = MemoryReputationStore.make(100)
    const before = (n: number) => ({ ...window, bucket: window.bucket - n })
    await count(store, ["net:192.0.2.0/24"], 1, 0, before(3))
    await count(store, ["net:198.51.100.0/24"], 2, 0)
    await count(store, ["net:203.0.113.0/24"], 0, 3)
    await count(store, ["net:10.0.0.0/24"], 1, 0, before(window.keep + 2))
    const page = await Listing.list(store, settings, { kind: "net", order: "recent", limit: 10 }, NOW)
    expect(page.keys.map((k) => k.key)).toEqual(["net:203.0.113.0/24", "net:198.51.100.0/24", "net:192.0.2.0/24"])
    expect(page.ranked).toBe(3)
  })

  it("a page ranks at most SAMPLE keys and says where the next goes on", async () => {
    const store = MemoryReputationStore.make(5000)
    for (let i = 0; i < Listing.SAMPLE + 10; i++) await store.record([`ip:10.0.${i >> 8}.${i & 255}`], "spam", window)
    const first = await Listing.list(store, settings, { kind: "ip", order: "worst", limit: 5 }, NOW)
    expect(first.ranked).toBe(Listing.SAMPLE)
    expect(first.keys).toHaveLength(5)
    const second = await Listing.list(
      store,
      settings,
      { kind: "ip", order: "worst", limit: 5, cursor: first.next! },
      NOW
    )
    expect(second).toMatchObject({ ranked: 10, next: null })
  })
})
