// Reputation's arithmetic and keys: decay by time buckets, Laplace smoothing, the minimum count,
// key derivation (IPv4, IPv6 /64, IPv4-mapped IPv6) and the embedded store's bounds.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Reputation, resolveAntispamSettings } from "../../src/index.ts"

const { Decay, Keys, MemoryReputationStore, Score } = Reputation
const HOUR = 3_600_000

describe("decay", () => {
  const w = Decay.windowAt(1000 * HOUR, 8) // 2-hour buckets
  it("buckets are a quarter of the half-life wide; five half-lives are kept", () => {
    expect(w.bucketSeconds).toBe(7200)
    expect(w.bucket).toBe(500)
    expect(w.keep).toBe(20)
  })
  it("a message counts half after one half-life and nothing after five", () => {
    expect(Decay.decayed([[w.bucket, 0, 8]], w)).toEqual({ ham: 0, spam: 8 })
    expect(Decay.decayed([[w.bucket - 4, 0, 8]], w)).toEqual({ ham: 0, spam: 4 })
    expect(Decay.decayed([[w.bucket - 8, 2, 8]], w)).toEqual({ ham: 0.5, spam: 2 })
    expect(Decay.decayed([[w.bucket - 20, 100, 100]], w)).toEqual({ ham: 0, spam: 0 })
    expect(Decay.decayed([[w.bucket + 1, 5, 5]], w)).toEqual({ ham: 0, spam: 0 })
  })
  it("a reformed sender recovers: old spam fades under new ham", () => {
    const history: ReadonlyArray<Reputation.Bucket> = [
      [w.bucket - 16, 0, 20],
      [w.bucket, 10, 0]
    ]
    const c = Decay.decayed(history, w)
    expect(c.spam).toBeCloseTo(1.25)
    expect(Score.judge(c, 5, { bad: 2, good: -1 })?.side).toBe("good")
  })
  test.prop([fc.array(fc.tuple(fc.integer({ min: 470, max: 520 }), fc.nat(50), fc.nat(50)), { maxLength: 30 })])(
    "decayed counts never exceed the raw counts of the window and are never negative",
    (buckets) => {
      const c = Decay.decayed(buckets, w)
      const inWindow = buckets.filter(([b]) => b > w.bucket - w.keep && b <= w.bucket)
      expect(c.ham).toBeGreaterThanOrEqual(0)
      expect(c.ham).toBeLessThanOrEqual(inWindow.reduce((s, [, h]) => s + h, 0) + 1e-9)
      expect(c.spam).toBeLessThanOrEqual(inWindow.reduce((s, [, , x]) => s + x, 0) + 1e-9)
    }
  )
})

describe("score", () => {
  const weights = { bad: 2, good: -1 }
  it("nothing below the minimum number of judged messages: one message never makes a reputation", () => {
    expect(Score.judge({ ham: 0, spam: 1 }, 5, weights)).toBeUndefined()
    expect(Score.judge({ ham: 0, spam: 4.99 }, 5, weights)).toBeUndefined()
    expect(Score.judge({ ham: 0, spam: 5 }, 5, weights)).toBeDefined()
  })
  it("smoothed: five spam and no ham is 6/7, not certainty; the weight is scaled by the lean", () => {
    const j = Score.judge({ ham: 0, spam: 5 }, 5, weights)!
    expect(j.ratio).toBeCloseTo(6 / 7)
    expect(j).toMatchObject({ side: "bad", score: 1.43 })
    expect(Score.judge({ ham: 18, spam: 0 }, 5, weights)).toMatchObject({ side: "good", score: -0.9 })
  })
  it("an even history and a zero weight add nothing", () => {
    expect(Score.judge({ ham: 6, spam: 6 }, 5, weights)).toBeUndefined()
    expect(Score.judge({ ham: 0, spam: 50 }, 5, { bad: 0, good: -1 })).toBeUndefined()
  })
  test.prop([fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true })])(
    "a key adds at most its bad weight and takes at most its good weight",
    (ham, spam) => {
      const j = Score.judge({ ham, spam }, 1, weights)
      if (j === undefined) return
      if (j.side === "bad") expect(j.score).toBeGreaterThan(0)
      if (j.side === "bad") expect(j.score).toBeLessThanOrEqual(2)
      else expect(j.score).toBeLessThan(0)
      if (j.side === "good") expect(j.score).toBeGreaterThanOrEqual(-1)
    }
  )
  it("the default weights cannot reach the default spam score on reputation alone", () => {
    const s = resolveAntispamSettings({})
    const most = s.reputation.ip.bad + s.reputation.network.bad + s.reputation.domain.bad
    expect(most).toBeLessThan(s.spamScore)
  })
})

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 })
const hex = (b: Uint8Array, i: number) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16)
const fullV6 = (b: Uint8Array, pad: boolean, upper: boolean) => {
  const groups = Array.from({ length: 8 }, (_, i) => (pad ? hex(b, i).padStart(4, "0") : hex(b, i)))
  const text = groups.join(":")
  return upper ? text.toUpperCase() : text
}
/** The RFC 5952 form: the longest run of two or more zero groups as "::". */
const compressed = (b: Uint8Array) => {
  const groups = Array.from({ length: 8 }, (_, i) => hex(b, i))
  let best = -1
  let len = 0
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === "0") j++
    if (j - i > len && j - i >= 2) [best, len] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  if (best < 0) return groups.join(":")
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + len).join(":")}`
}
const isMapped = (b: Uint8Array) => b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff

describe("keys", () => {
  it("IPv4: the address and its /24", () => {
    expect(Keys.ipKeys("192.0.2.77").map((k) => k.key)).toEqual(["ip:192.0.2.77", "net:192.0.2.0/24"])
  })
  it("IPv6: the address in one canonical form and its /64", () => {
    expect(Keys.ipKeys("2001:DB8::1").map((k) => k.key)).toEqual(["ip:2001:db8:0:0:0:0:0:1", "net:2001:db8:0:0::/64"])
    expect(Keys.ipKeys("2001:db8:0:0:ffff::9")[1]).toEqual(Keys.ipKeys("2001:db8::1")[1])
    expect(Keys.ipKeys("2001:db8:0:1::1")[1]!.key).toBe("net:2001:db8:0:1::/64")
  })
  it("IPv4-mapped IPv6 is its IPv4 address", () => {
    expect(Keys.ipKeys("::ffff:192.0.2.77")).toEqual(Keys.ipKeys("192.0.2.77"))
    expect(Keys.ipKeys("::ffff:c000:24d")).toEqual(Keys.ipKeys("192.0.2.77"))
  })
  it("no key for what is not an IP address", () => {
    for (const s of ["", "unknown", "192.0.2", "300.1.1.1", "fe80::1%eth0", "gw.test"])
      expect(Keys.ipKeys(s)).toEqual([])
  })
  test.prop([v4])("every IPv4 address and its mapped IPv6 forms give the same keys", ([a, b, c, d]) => {
    const keys = Keys.ipKeys(`${a}.${b}.${c}.${d}`)
    expect(keys.map((k) => k.key)).toEqual([`ip:${a}.${b}.${c}.${d}`, `net:${a}.${b}.${c}.0/24`])
    expect(Keys.ipKeys(`::ffff:${a}.${b}.${c}.${d}`)).toEqual(keys)
    expect(Keys.ipKeys(`::FFFF:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`)).toEqual(keys)
  })
  test.prop([bytes16, fc.boolean(), fc.boolean()])(
    "every text form of an IPv6 address gives one key; the /64 key is its first 64 bits",
    (b, pad, upper) => {
      fc.pre(!isMapped(b))
      const keys = Keys.ipKeys(compressed(b))
      expect(Keys.ipKeys(fullV6(b, pad, upper))).toEqual(keys)
      expect(keys[0]!.key).toBe(`ip:${fullV6(b, false, false)}`)
      const sameNet = new Uint8Array(b)
      sameNet[15] = sameNet[15]! ^ 1
      sameNet[8] = sameNet[8]! ^ 0x80
      fc.pre(!isMapped(sameNet))
      expect(Keys.ipKeys(compressed(sameNet))[1]).toEqual(keys[1])
      expect(Keys.ipKeys(compressed(sameNet))[0]).not.toEqual(keys[0])
    }
  )
  test.prop([fc.string({ maxLength: 80 })])("key derivation never throws on arbitrary text", (s) => {
    expect(() => Keys.ipKeys(s)).not.toThrow()
    const d = Keys.normaliseDomain(s)
    if (d !== undefined) expect(Keys.normaliseDomain(d)).toBe(d)
  })
  it("domains: lowercase, no final dot; a malformed name gives no key", () => {
    expect(Keys.normaliseDomain("Example.NET.")).toBe("example.net")
    expect(Keys.normaliseDomain("a..b")).toBeUndefined()
    expect(Keys.normaliseDomain("")).toBeUndefined()
    expect(Keys.normaliseDomain("x y.example")).toBeUndefined()
  })
})

describe("the authenticated domain", () => {
  const spf = (result: string, domain = "bounce.example.net") => ({
    scope: "mailfrom" as const,
    identity: `x@${domain}`,
    domain,
    result: result as "pass"
  })
  const facts = (o: { spf?: string; dmarc?: string; timedOut?: boolean }) => ({
    fromDomain: "example.org",
    clientIp: "192.0.2.8",
    spf: { mailFrom: spf(o.spf ?? "none") },
    dkim: [],
    dmarc:
      o.dmarc === undefined
        ? undefined
        : {
            result: o.dmarc as "pass",
            fromDomain: "Example.ORG",
            pct: 100,
            applied: "none" as const,
            sampled: true,
            alignment: { spf: { strict: false }, dkim: { strict: false } }
          },
    arc: { result: "none" as const, instance: 0 },
    lookups: 1,
    timedOut: o.timedOut ?? false
  })
  it("DMARC pass: the From domain; else SPF pass: the MAIL FROM domain", () => {
    expect(Keys.authenticatedDomain(facts({ dmarc: "pass", spf: "pass" }))).toBe("example.org")
    expect(Keys.authenticatedDomain(facts({ spf: "pass" }))).toBe("bounce.example.net")
    expect(Keys.authenticatedDomain(facts({ dmarc: "fail", spf: "pass" }))).toBe("bounce.example.net")
  })
  it("nothing authenticated, nothing counted: SPF fail/softfail/neutral/none, DMARC fail, a timed-out check", () => {
    for (const r of ["fail", "softfail", "neutral", "none", "temperror", "permerror"])
      expect(Keys.authenticatedDomain(facts({ spf: r, dmarc: "fail" }))).toBeUndefined()
    expect(Keys.authenticatedDomain(facts({ spf: "pass", dmarc: "pass", timedOut: true }))).toBeUndefined()
    expect(Keys.authenticatedDomain(undefined)).toBeUndefined()
  })
})

describe("embedded store", () => {
  const w = Decay.windowAt(1000 * HOUR, 8)
  it("counts per key and bucket, answers in the order asked, nothing for unknown keys", async () => {
    const s = MemoryReputationStore.make(10)
    await s.record(["a", "b"], "spam", w)
    await s.record(["a"], "ham", w)
    await s.record(["a"], "spam", { ...w, bucket: w.bucket + 1 })
    expect(await s.lookup(["b", "zz", "a"], { ...w, bucket: w.bucket + 1 })).toEqual([
      [[w.bucket, 0, 1]],
      [],
      [
        [w.bucket, 1, 1],
        [w.bucket + 1, 0, 1]
      ]
    ])
  })
  it("keeps at most maxEntries keys, dropping the least recently used", async () => {
    const s = MemoryReputationStore.make(2)
    await s.record(["a"], "spam", w)
    await s.record(["b"], "spam", w)
    await s.lookup(["a"], w)
    await s.record(["c"], "spam", w)
    expect(s.size()).toBe(2)
    expect(await s.lookup(["a", "b", "c"], w)).toEqual([[[w.bucket, 0, 1]], [], [[w.bucket, 0, 1]]])
  })
  it("drops a key's buckets once they leave the window; another half-life is another history", async () => {
    const s = MemoryReputationStore.make(10)
    await s.record(["a"], "spam", w)
    const later = { ...w, bucket: w.bucket + w.keep }
    await s.record(["a"], "ham", later)
    expect(await s.lookup(["a"], later)).toEqual([[[later.bucket, 1, 0]]])
    // Asked with a much wider window: the old bucket is gone, not only hidden.
    expect(await s.lookup(["a"], { ...later, keep: 10_000 })).toEqual([[[later.bucket, 1, 0]]])
    expect(await s.lookup(["a"], { ...later, bucketSeconds: 60 })).toEqual([[]])
  })
})
