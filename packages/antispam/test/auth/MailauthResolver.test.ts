// The resolver mailauth gets: our Dns in node:dns shapes and error codes, the message's deadline,
// and the names that failed temporarily (for ARC's temperror).
import { Dns, type DnsShape } from "@mailmoat/core"
import { Effect, Exit } from "effect"
import { inspect } from "node:util"
import { describe, expect, it } from "vitest"
import * as MailauthResolver from "../../src/auth/MailauthResolver.ts"

const zone: Dns.StaticZone = {
  "a.test": { TXT: ["v=spf1 -all", "other"], MX: ["10 mx1.a.test", "20 mx2.a.test"], A: ["192.0.2.1"] },
  "fail.test": { fail: "ServerFailure" },
  "hang.test": "hang"
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: string }) => e.code
  )

describe("MailauthResolver", () => {
  it("answers in node:dns shapes", async () => {
    const r = MailauthResolver.make(Dns.makeStatic(zone), 1000, Date.now() + 10_000, Date.now)
    expect(await r.resolve("a.test", "TXT")).toEqual([["v=spf1 -all"], ["other"]])
    expect(await r.resolve("a.test", "MX")).toEqual([
      { priority: 10, exchange: "mx1.a.test" },
      { priority: 20, exchange: "mx2.a.test" }
    ])
    expect(await r.resolve("a.test")).toEqual(["192.0.2.1"])
    expect(r.lookups()).toBe(3)
  })

  it("maps failures to Node's codes and remembers temporary ones", async () => {
    const r = MailauthResolver.make(Dns.makeStatic(zone), 50, Date.now() + 10_000, Date.now)
    expect(await code(r.resolve("nx.test", "TXT"))).toBe("ENOTFOUND")
    expect(await code(r.resolve("a.test", "AAAA"))).toBe("ENOTFOUND")
    expect(await code(r.resolve("fail.test", "TXT"))).toBe("ESERVFAIL")
    expect(await code(r.resolve("HANG.test", "TXT"))).toBe("ETIMEOUT")
    expect(await code(r.resolve("a.test", "SRV"))).toBe("ENOTFOUND")
    expect([...r.temporaryFailures()].sort()).toEqual(["fail.test", "hang.test"])
  })

  it("after the deadline every lookup is a timeout and nothing is asked", async () => {
    const dns = Dns.makeStatic(zone)
    let now = 1000
    const r = MailauthResolver.make(dns, 5000, 2000, () => now)
    expect(await r.resolve("a.test", "TXT")).toEqual([["v=spf1 -all"], ["other"]])
    now = 2000
    expect(await code(r.resolve("a.test", "TXT"))).toBe("ETIMEOUT")
    expect(dns.queries).toEqual(["TXT a.test"])
    expect(r.temporaryFailures().has("a.test")).toBe(true)
  })

  it("the deadline on its own clock: a step of the caller's (wall) clock neither ends it nor stretches it", async () => {
    const dns = Dns.makeStatic(zone)
    let wall = 1000
    let monotonic = 0
    const r = MailauthResolver.make(
      dns,
      5000,
      2000,
      () => wall,
      () => monotonic
    )
    wall += 3_600_000
    expect(await r.resolve("a.test", "TXT")).toEqual([["v=spf1 -all"], ["other"]])
    wall -= 7_200_000
    monotonic = 2000
    expect(await code(r.resolve("b.test", "TXT"))).toBe("ETIMEOUT")
    expect(dns.queries).toEqual(["TXT a.test"])
  })

  it("a question's timeout is in whole milliseconds, whatever the timing clock reads", async () => {
    const timeouts: Array<number> = []
    const dns: DnsShape = {
      ...Dns.makeStatic(zone),
      query: (_type, _name, timeoutMillis, _now, answered) => {
        timeouts.push(timeoutMillis)
        answered(Exit.succeed({ _tag: "NotFound", detail: "nx" }))
        return () => {}
      }
    }
    let monotonic = 0.25
    const r = MailauthResolver.make(
      dns,
      5000,
      1000.5,
      () => 1000,
      () => monotonic
    )
    await code(r.resolve("a.test", "TXT"))
    monotonic = 999.75
    await code(r.resolve("b.test", "TXT"))
    expect(timeouts).toEqual([1001, 1])
  })

  it("a failure known at once is rejected only after the caller could attach its handlers", async () => {
    // A promise rejected before it has a handler goes through Node's unhandled-rejection
    // bookkeeping, per refused name; an `async` resolver never did that either.
    const r = MailauthResolver.make(Dns.makeStatic(zone), 1000, 2000, () => 3000)
    const recording = r.recording()
    const late = [r.resolve("a.test", "TXT"), r.resolve("a.test", "SRV"), recording.resolve("a.test", "TXT")]
    for (const p of late) expect(inspect(p)).toContain("<pending>")
    expect(await Promise.all(late.map(code))).toEqual(["ETIMEOUT", "ENOTFOUND", "ETIMEOUT"])
    expect(recording.replayable()).toBe(false)
  })

  it("a lookup that dies rejects with the defect, at once or later; an answer that waits is delivered", async () => {
    const defect = new Error("resolver bug")
    const dying: DnsShape = {
      resolve: () => Effect.die(defect),
      lookup: (type, name) =>
        name === "late.test"
          ? Effect.as(Effect.sleep(5), { _tag: "Answer", records: ["192.0.2.9"], ttlSeconds: 60 } as const)
          : name === "later.test"
            ? Effect.andThen(Effect.sleep(5), Effect.die(defect))
            : name === "nx.test"
              ? Effect.andThen(Effect.sleep(5), Effect.fail(Dns.dnsError({ reason: "Refused", name, type })))
              : Effect.die(defect)
    }
    const r = MailauthResolver.make(dying, 1000, Date.now() + 10_000, Date.now)
    await expect(r.resolve("now.test", "TXT")).rejects.toBe(defect)
    await expect(r.resolve("later.test", "TXT")).rejects.toBe(defect)
    expect(await r.resolve("late.test")).toEqual(["192.0.2.9"])
    expect(await code(r.resolve("nx.test", "TXT"))).toBe("EREFUSED")
    expect([...r.temporaryFailures()]).toEqual(["nx.test"])
  })
})

/**
 * `dns` with a callback form (`DnsShape.query`, as `NodeDns` has), counting its questions; its
 * Effect form throws, so a question that went through the runtime fails the test.
 */
const byCallback = (dns: DnsShape) => {
  const queried: Array<string> = []
  const lookup: NonNullable<DnsShape["lookup"]> = () => {
    throw new Error("asked through the Effect form")
  }
  const shape: DnsShape = {
    resolve: lookup as unknown as DnsShape["resolve"],
    lookup,
    query: (type, name, timeoutMillis, _now, answered) => {
      queried.push(`${type} ${name} ${timeoutMillis}`)
      const fiber = Effect.runFork(Dns.lookup(dns, type, name, { timeoutMillis }))
      fiber.addObserver(answered)
      return () => fiber.interruptUnsafe()
    }
  }
  return { shape, queried }
}

describe("MailauthResolver over a resolver answered by callback", () => {
  it("asks by callback, through the cache too, and tells what the Effect form tells", async () => {
    for (const cached of [false, true]) {
      const { shape, queried } = byCallback(Dns.makeStatic(zone))
      const dns = cached ? Dns.withCache(shape) : shape
      const r = MailauthResolver.make(dns, 50, Date.now() + 10_000, Date.now)
      expect(await r.resolve("a.test", "TXT")).toEqual([["v=spf1 -all"], ["other"]])
      expect(await r.resolve("a.test", "MX")).toEqual([
        { priority: 10, exchange: "mx1.a.test" },
        { priority: 20, exchange: "mx2.a.test" }
      ])
      expect(await code(r.resolve("nx.test", "TXT"))).toBe("ENOTFOUND")
      expect(await code(r.resolve("fail.test", "TXT"))).toBe("ESERVFAIL")
      expect(await code(r.resolve("HANG.test", "TXT"))).toBe("ETIMEOUT")
      expect([...r.temporaryFailures()].sort()).toEqual(["fail.test", "hang.test"])
      // The cache asks its shared questions without a deadline and keeps each waiter's own.
      const millis = cached ? 0 : 50
      expect(queried).toEqual([
        `TXT a.test ${millis}`,
        `MX a.test ${millis}`,
        `TXT nx.test ${millis}`,
        `TXT fail.test ${millis}`,
        `TXT HANG.test ${millis}`
      ])
      // A second asking of a cached name asks nothing.
      expect(await r.resolve("a.test", "TXT")).toEqual([["v=spf1 -all"], ["other"]])
      expect(queried).toHaveLength(cached ? 5 : 6)
    }
  })

  it("a defect told by callback rejects the question's promise", async () => {
    const defect = new Error("resolver bug")
    const dns: DnsShape = {
      resolve: () => Effect.die(defect),
      query: (_type, _name, _millis, _now, answered) => {
        setImmediate(() => answered(Exit.die(defect)))
        return () => {}
      }
    }
    const r = MailauthResolver.make(dns, 1000, Date.now() + 10_000, Date.now)
    await expect(r.resolve("later.test", "TXT")).rejects.toBe(defect)
  })
})
