// Temporary rejection: unit behaviour with the embedded store, then two module instances
// sharing a real redis-server, and fail-open when Redis is gone.
import { Dns, type Message } from "@mailmoat/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RedisConnection, RedisTempRejectStore } from "@mailmoat/redis"
import { type AntispamServices, makeServerAntispam } from "../src/index.ts"
import { makeMessage } from "./support/messages.ts"
import { type RedisPeer, startRedis } from "./support/redis.ts"

// A Dns whose zone can be switched between tests (the list "starts answering").
const switchable = (initial: Dns.StaticZone) => {
  let current = Dns.makeStatic(initial)
  const dns: Dns.DnsShape = { resolve: (t, n, o) => current.resolve(t, n, o) }
  return { dns, set: (z: Dns.StaticZone) => (current = Dns.makeStatic(z)) }
}
const hanging: Dns.StaticZone = { "7.2.0.192.bl.test": "hang" }
const listedZone: Dns.StaticZone = { "7.2.0.192.bl.test": { A: ["127.0.0.2"] } }
const config = {
  rbl: { servers: ["bl.test"], timeoutSeconds: 0.05 },
  endUserBlocklist: { enabled: false },
  tempReject: { enabled: true, periodMinutes: 15 }
}
const message = (clientAddress = "192.0.2.7", body = "same content\r\n"): Message =>
  makeMessage({
    envelope: { clientAddress, mailFrom: "a@example.net", rcptTo: ["u@example.org", "v@example.org"] },
    body
  })
const actions = async (m: ReturnType<typeof makeServerAntispam>, msg: Message) =>
  (await Effect.runPromise(m.evaluate(msg))).map((o) => o.action._tag)

describe("temporary rejection (embedded store)", () => {
  it("defers unsure mail with 451 until the period ends, then handles it by the first classification", async () => {
    let now = 1_000_000
    const { dns } = switchable(hanging)
    const m = makeServerAntispam(config, { dns, now: () => now, healthIntervalMillis: 0 })
    const [first] = await Effect.runPromise(m.evaluate(message()))
    expect(first!.action).toMatchObject({ _tag: "Tempfail" })
    expect(first!.verdict.symbols.map((s) => s.name)).toEqual(
      expect.arrayContaining(["RBL_UNKNOWN", "TEMPREJECT_DEFERRED"])
    )
    now += 14 * 60_000
    expect(await actions(m, message())).toEqual(["Tempfail", "Tempfail"])
    now += 2 * 60_000
    const [after] = await Effect.runPromise(m.evaluate(message()))
    expect(after!.action._tag).toBe("Deliver")
    expect(after!.rule).toMatch(/first retry after the period: handled by the first classification \(unsure\)/)
    // The record is gone: the next copy starts over.
    expect(await actions(m, message())).toEqual(["Tempfail", "Tempfail"])
    expect(m.counters().deferred).toBe(3)
    await m.close()
  })

  it("acts at once when the classification becomes definite at a retry", async () => {
    let now = 0
    const z = switchable(hanging)
    const m = makeServerAntispam(
      { ...config, onSpam: "reject" },
      { dns: z.dns, now: () => now, healthIntervalMillis: 0 }
    )
    expect(await actions(m, message())).toEqual(["Tempfail", "Tempfail"])
    now += 60_000
    z.set(listedZone)
    const [o] = await Effect.runPromise(m.evaluate(message()))
    expect(o!.action._tag).toBe("Reject")
    expect(o!.rule).toMatch(/classification became spam/)
    await m.close()
  })

  it("the same fingerprint from many sources becomes definite (bulk)", async () => {
    const { dns } = switchable({
      "1.2.0.192.bl.test": "hang",
      "2.2.0.192.bl.test": "hang",
      "3.2.0.192.bl.test": "hang"
    })
    const m = makeServerAntispam(config, { dns, healthIntervalMillis: 0 })
    expect(await actions(m, message("192.0.2.1"))).toEqual(["Tempfail", "Tempfail"])
    expect(await actions(m, message("192.0.2.2"))).toEqual(["Tempfail", "Tempfail"])
    const [o] = await Effect.runPromise(m.evaluate(message("192.0.2.3")))
    expect(o!.action._tag).toBe("Quarantine")
    expect(o!.rule).toMatch(/seen from 3 sources/)
    await m.close()
  })

  it("ham and spam are never deferred; tempReject disabled delivers unsure mail", async () => {
    const m = makeServerAntispam(config, { dns: Dns.makeStatic({}), healthIntervalMillis: 0 })
    expect(await actions(m, message())).toEqual(["Deliver", "Deliver"])
    await m.close()
    const off = makeServerAntispam(
      { ...config, tempReject: { enabled: false } },
      { dns: switchable(hanging).dns, healthIntervalMillis: 0 }
    )
    expect(await actions(off, message())).toEqual(["Deliver", "Deliver"])
    await off.close()
  })
})

describe("temporary rejection with a real redis-server", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it("two instances share records: a retry on the other instance is recognised", async () => {
    // The period is judged by the store's clock: here one that the test moves, standing in for
    // Redis's (which a test cannot move).
    let storeNow = 5_000_000
    const services = (): AntispamServices => ({
      dns: switchable(hanging).dns,
      healthIntervalMillis: 0,
      stateStore: {
        ...RedisTempRejectStore.make(RedisConnection.make({ url: redis.url })),
        now: async () => storeNow
      }
    })
    const sa = services()
    const sb = services()
    const a = makeServerAntispam(config, sa)
    const b = makeServerAntispam(config, sb)
    try {
      expect(await actions(a, message())).toEqual(["Tempfail", "Tempfail"])
      storeNow += 5 * 60_000
      const [retry] = await Effect.runPromise(b.evaluate(message()))
      expect(retry!.rule).toMatch(/retry 2 within the period/)
      storeNow += 11 * 60_000
      const [done] = await Effect.runPromise(b.evaluate(message()))
      expect(done!.action._tag).toBe("Deliver")
      expect(done!.rule).toMatch(/first retry after the period/)
    } finally {
      await sa.stateStore!.close()
      await sb.stateStore!.close()
    }
  })

  it("nodes whose clocks disagree judge the period by Redis's clock: a node 30 minutes ahead still defers a retry at once", async () => {
    const start = Date.now()
    const node = (skewMillis: number): AntispamServices => ({
      dns: switchable(hanging).dns,
      now: () => start + skewMillis,
      healthIntervalMillis: 0,
      stateStore: RedisTempRejectStore.make(RedisConnection.make({ url: redis.url }))
    })
    const sa = node(0)
    const sb = node(30 * 60_000)
    const a = makeServerAntispam(config, sa)
    const b = makeServerAntispam(config, sb)
    const skewed = () => message("192.0.2.7", "written on one node, retried on a skewed one\r\n")
    try {
      expect(await actions(a, skewed())).toEqual(["Tempfail", "Tempfail"])
      const [retry] = await Effect.runPromise(b.evaluate(skewed()))
      expect(retry!.action._tag).toBe("Tempfail")
      expect(retry!.rule).toMatch(/retry 2 within the period/)
    } finally {
      await sa.stateStore!.close()
      await sb.stateStore!.close()
    }
  })

  it("the Redis store's clock is the server's (TIME), in milliseconds", async () => {
    const store = RedisTempRejectStore.make(RedisConnection.make({ url: redis.url }))
    try {
      const first = await store.now!()
      const second = await store.now!()
      // The server runs on this host: its clock and ours agree to well within a minute.
      expect(Math.abs(first - Date.now())).toBeLessThan(60_000)
      expect(second).toBeGreaterThanOrEqual(first)
    } finally {
      await store.close()
    }
  })

  it("Redis unreachable: mail keeps flowing (fail open), logged and counted", async () => {
    const logs: Array<string> = []
    const store = RedisTempRejectStore.make(
      RedisConnection.make({ url: redis.url, connectTimeoutMillis: 300, commandTimeoutMillis: 300 })
    )
    const m = makeServerAntispam(config, {
      dns: switchable(hanging).dns,
      healthIntervalMillis: 0,
      stateStore: store,
      log: (l) => logs.push(l)
    })
    try {
      expect(await actions(m, message("192.0.2.7", "before stop\r\n"))).toEqual(["Tempfail", "Tempfail"])
      await redis.stop()
      const [o] = await Effect.runPromise(m.evaluate(message("192.0.2.7", "after stop\r\n")))
      expect(o!.action._tag).toBe("Deliver")
      expect(o!.verdict.symbols.map((s) => s.name)).toContain("TEMPREJECT_STORE_DOWN")
      expect(m.counters().stateStoreErrors).toBe(1)
      expect(logs.some((l) => /state store unreachable, failing open/.test(l))).toBe(true)
    } finally {
      await store.close()
    }
  })
})
