// The Redis reputation store against a real redis-server: two gateways share counts, concurrent
// increments are all kept, keys expire and shed the buckets that left the window, a reset deletes.
import { fc, test } from "@fast-check/vitest"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"
import { RedisConnection, RedisReputationStore } from "../src/index.ts"

const window = { bucket: 1000, keep: 20, bucketSeconds: 3600 }

describe("Redis reputation store (real redis-server)", () => {
  let redis: RedisPeer
  const opened: Array<{ close: () => Promise<void> }> = []
  const open = (keyPrefix: string) => {
    const connection = RedisConnection.make({ url: redis.url, keyPrefix })
    const store = RedisReputationStore.make(connection)
    opened.push(store)
    return { store, client: connection.client }
  }
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    for (const s of opened) await s.close()
    await redis?.stop()
  })

  it("counts recorded by one gateway are read by another, in the order asked", async () => {
    const a = open("r1:").store
    const b = open("r1:").store
    await a.record(["ip:192.0.2.7", "net:192.0.2.0/24"], "spam", window)
    await b.record(["ip:192.0.2.7"], "ham", window)
    await b.record(["ip:192.0.2.7"], "spam", { ...window, bucket: window.bucket + 1 })
    expect(
      await a.lookup(["net:192.0.2.0/24", "ip:198.51.100.1", "ip:192.0.2.7"], { ...window, bucket: 1001 })
    ).toEqual([
      [[1000, 0, 1]],
      [],
      [
        [1000, 1, 1],
        [1001, 0, 1]
      ]
    ])
  })

  it("concurrent increments from two gateways are never lost (HINCRBY, no read-modify-write)", async () => {
    const a = open("r2:").store
    const b = open("r2:").store
    const keys = ["ip:203.0.113.9", "net:203.0.113.0/24", "domain:example.net"]
    // Connected first, so the 150 calls do not all wait for the connection.
    await Promise.all([a.lookup(["warm"], window), b.lookup(["warm"], window)])
    await Promise.all(
      Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? a : b).record(keys, i % 3 === 0 ? "ham" : "spam", window))
    )
    const [ip, net, domain] = await a.lookup(keys, window)
    expect(ip).toEqual([[1000, 50, 100]])
    expect(net).toEqual(ip)
    expect(domain).toEqual(ip)
  })

  it("a key expires after the window and drops the buckets that left it", async () => {
    const { store, client } = open("r3:")
    await store.record(["ip:192.0.2.1"], "spam", window)
    const name = "r3:reputation:3600:ip:192.0.2.1"
    const ttl = await client.ttl(name)
    expect(ttl).toBeGreaterThan(20 * 3600 - 60)
    expect(ttl).toBeLessThanOrEqual(20 * 3600)
    const later = { ...window, bucket: window.bucket + window.keep }
    await store.record(["ip:192.0.2.1"], "ham", later)
    expect(await client.hkeys(name)).toEqual([`h${later.bucket}`])
    expect(await store.lookup(["ip:192.0.2.1"], later)).toEqual([[[later.bucket, 1, 0]]])
    // A short window really expires.
    await store.record(["ip:192.0.2.2"], "spam", { bucket: 5, keep: 1, bucketSeconds: 1 })
    const short = "r3:reputation:1:ip:192.0.2.2"
    expect(await client.exists(short)).toBe(1)
    await new Promise((r) => setTimeout(r, 2100))
    expect(await client.exists(short)).toBe(0)
  })

  it("forget deletes the keys' hashes (DEL) and says how many existed; other keys and widths stay", async () => {
    const { store, client } = open("r4:")
    const wider = { ...window, bucketSeconds: 7200 }
    await store.record(["ip:192.0.2.7", "net:192.0.2.0/24"], "spam", window)
    await store.record(["ip:192.0.2.7"], "spam", wider)
    expect(await store.forget(["ip:192.0.2.7", "ip:192.0.2.8"], window)).toBe(1)
    expect(await client.exists("r4:reputation:3600:ip:192.0.2.7")).toBe(0)
    expect(await store.lookup(["ip:192.0.2.7", "net:192.0.2.0/24"], window)).toEqual([[], [[1000, 0, 1]]])
    expect(await store.lookup(["ip:192.0.2.7"], wider)).toEqual([[[1000, 0, 1]]])
    expect(await store.forget(["ip:192.0.2.7"], window)).toBe(0)
    expect(await store.forget([], window)).toBe(0)
  })

  it("list walks the store's keys of a kind with SCAN (bounded per page), with their buckets, every key once", async () => {
    const { store, client } = open("r5*[x]:")
    const wider = { ...window, bucketSeconds: 7200 }
    const ips = Array.from({ length: 1200 }, (_, i) => `ip:10.0.${i >> 8}.${i & 255}`)
    await store.record(ips.slice(0, 3), "spam", window)
    // Fast filling: the store's own hash layout, written directly.
    const fill = client.pipeline()
    for (const ip of ips.slice(3)) fill.hincrby(`r5*[x]:reputation:3600:${ip}`, "h1000", 2)
    await fill.exec()
    await store.record(["domain:example.net", "net:10.0.0.0/24"], "spam", window)
    await store.record(["ip:192.0.2.99"], "spam", wider)
    // Another prefix the pattern must not take for a glob: r5x: would match r5*[x]: unescaped.
    await client.hincrby("r5x:reputation:3600:ip:10.9.9.9", "s1000", 1)
    const commands = async () => {
      const info = await client.info("commandstats")
      return {
        scan: Number(/cmdstat_scan:calls=(\d+)/.exec(info)?.[1] ?? 0),
        keys: Number(/cmdstat_keys:calls=(\d+)/.exec(info)?.[1] ?? 0)
      }
    }
    const before = await commands()
    const seen = new Map<string, ReadonlyArray<RedisReputationStore.Bucket>>()
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await store.list({ prefix: "ip:", cursor, sample: 500 }, window)
      for (const k of page.keys) seen.set(k.key, k.buckets)
      cursor = page.next
      pages++
    } while (cursor !== undefined && pages < 100)
    const after = await commands()
    expect([...seen.keys()].sort()).toEqual([...ips].sort())
    expect(seen.get("ip:10.0.0.0")).toEqual([[1000, 0, 1]])
    expect(seen.get("ip:10.0.4.175")).toEqual([[1000, 2, 0]])
    // Bounded: at most MAX_SCANS SCANs a page, never KEYS.
    expect(after.scan - before.scan).toBeLessThanOrEqual(pages * RedisReputationStore.MAX_SCANS)
    expect(after.keys).toBe(before.keys)
    const domains = await store.list({ prefix: "domain:", sample: 10 }, window)
    expect(domains.keys.map((k) => k.key)).toEqual(["domain:example.net"])
  })

  it("an unreachable Redis rejects the call (the stage then scores without reputation)", async () => {
    const connection = RedisConnection.make({
      url: "redis://127.0.0.1:1",
      connectTimeoutMillis: 300,
      commandTimeoutMillis: 300
    })
    const store = RedisReputationStore.make(connection)
    await expect(store.lookup(["ip:192.0.2.7"], window)).rejects.toThrow()
    await expect(store.record(["ip:192.0.2.7"], "spam", window)).rejects.toThrow()
    await expect(store.forget(["ip:192.0.2.7"], window)).rejects.toThrow()
    await expect(store.list({ prefix: "ip:", sample: 10 }, window)).rejects.toThrow()
    await store.close()
  })
})

describe("a SCAN pattern", () => {
  test.prop([fc.string({ maxLength: 20 })])("matches its text literally", (text) => {
    const glob = RedisReputationStore.globLiteral(text)
    // Every special character is escaped: what is left unescaped is plain text.
    expect(glob.replace(/\\[\\*?[\]]/g, "")).not.toMatch(/[\\*?[\]]/)
  })
})

describe("reading a hash reply", () => {
  test.prop([fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer().map(String)), { maxLength: 40 })])(
    "never throws, and keeps only h/s fields of buckets in the window with positive counts",
    (flat) => {
      const buckets = RedisReputationStore.bucketsOf(flat, 10, 20)
      for (const [b, h, s] of buckets) {
        expect(b).toBeGreaterThanOrEqual(10)
        expect(b).toBeLessThanOrEqual(20)
        expect(h + s).toBeGreaterThan(0)
      }
    }
  )
  test.prop([fc.dictionary(fc.integer({ min: 0, max: 30 }).map(String), fc.tuple(fc.nat(99), fc.nat(99)))])(
    "what HINCRBY wrote is read back (array and object replies alike)",
    (counts) => {
      const hash: Record<string, string> = {}
      for (const [b, [h, s]] of Object.entries(counts)) {
        if (h > 0) hash[`h${b}`] = String(h)
        if (s > 0) hash[`s${b}`] = String(s)
      }
      const expected = Object.entries(counts)
        .filter(([b, [h, s]]) => Number(b) >= 10 && Number(b) <= 20 && h + s > 0)
        .map(([b, [h, s]]) => [Number(b), h, s])
        .sort((x, y) => x[0]! - y[0]!)
      const sorted = (x: ReadonlyArray<RedisReputationStore.Bucket>) => [...x].sort((p, q) => p[0] - q[0])
      expect(sorted(RedisReputationStore.bucketsOf(hash, 10, 20))).toEqual(expected)
      expect(sorted(RedisReputationStore.bucketsOf(Object.entries(hash).flat(), 10, 20))).toEqual(expected)
    }
  )
})
