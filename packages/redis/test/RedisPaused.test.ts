// A paused Redis (SIGSTOP: the connection stays up, nothing answers): every shared-state call
// ends within its deadline with the documented meaning, and everything works again on SIGCONT.
import { Effect } from "effect"
import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"
import { make as makeAuthStore } from "../src/RedisAuthFailureStore.ts"
import { make as makeDnsStore } from "../src/RedisDnsCacheStore.ts"
import { make as makeDocuments } from "../src/RedisListDocuments.ts"
import { make as makeCounter } from "../src/RedisRateCounter.ts"
import { client, ready, whatEnded } from "./support/client.ts"

describe("shared state on a paused Redis (SIGSTOP)", () => {
  let redis: RedisPeer
  let c: Redis
  let pid = 0
  beforeAll(async () => {
    redis = await startRedis()
    c = client(redis.url, 5000) // the client's own timeout is long: only our deadlines act
    await ready(c)
    // The server we started tells its PID; we pause and resume that process only.
    pid = Number(/process_id:(\d+)/.exec(await c.info("server"))?.[1])
    expect(pid).toBeGreaterThan(0)
  })
  afterAll(async () => {
    if (pid > 0) process.kill(pid, "SIGCONT")
    c?.disconnect()
    await redis?.stop()
  })

  it("counters reject, the DNS cache reads as not cached, lists keep their copy; all within the deadlines", async () => {
    const counter = makeCounter({ client: c, timeoutMillis: 300 })
    const auth = makeAuthStore({ client: c, timeoutMillis: 300 })
    const dnsErrors: Array<string> = []
    const dnsFailures: Array<unknown> = []
    const dnsStore = makeDnsStore({
      client: c,
      timeoutMillis: 300,
      onError: (e, op) => {
        dnsErrors.push(op)
        dnsFailures.push(e)
      }
    })
    const docs = makeDocuments({ client: c, names: ["enduser"], timeoutMillis: 300 })
    await docs.ready
    docs.write("enduser", "kept@bad.example\n")
    await docs.settled()
    process.kill(pid, "SIGSTOP")
    try {
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => new Error("answered while Redis was paused"),
          (e: unknown) => e
        )
      const [hit, locked, cached, kept] = await Promise.all([
        // `hit` may answer at once (the memory counter); Redis's answer is always a promise.
        failure(Promise.resolve(counter.hit("g", ["n"], 1000))),
        failure(auth.lockedUntil("ip:192.0.2.1", Date.now())),
        Effect.runPromise(dnsStore.get("A a.test")),
        docs.reload().then(() => docs.read("enduser"))
      ])
      expect([cached, kept]).toEqual([undefined, "kept@bad.example\n"])
      expect(dnsErrors).toEqual(["get"])
      // Within the deadlines: every call was ended by our 300 ms deadline, not the client's 5 s
      // timeout (what ended each says so; a wall-clock bound failed when this process stalled).
      expect([hit, locked, ...dnsFailures].map(whatEnded)).toEqual(["deadline 300", "deadline 300", "deadline 300"])
      expect(docs.lastError()).toMatch(/no answer within 300 ms/)
    } finally {
      process.kill(pid, "SIGCONT")
    }
    // Resumed: the same client answers again, no restart needed.
    let counted: ReadonlyArray<number> = []
    for (let i = 0; i < 50 && counted.length === 0; i++) {
      counted = await Promise.resolve(counter.hit("g2", ["n"], 1000)).catch(() => [])
      if (counted.length === 0) await new Promise((r) => setTimeout(r, 100))
    }
    expect(counted).toEqual([1])
    await docs.close()
  })
})
