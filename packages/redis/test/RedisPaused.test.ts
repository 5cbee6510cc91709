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
import { client, ready } from "./support/client.ts"

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
    const dnsStore = makeDnsStore({ client: c, timeoutMillis: 300, onError: (_, op) => dnsErrors.push(op) })
    const docs = makeDocuments({ client: c, names: ["enduser"], timeoutMillis: 300 })
    await docs.ready
    docs.write("enduser", "kept@bad.example\n")
    await docs.settled()
    process.kill(pid, "SIGSTOP")
    try {
      const t0 = Date.now()
      const outcomes = await Promise.all([
        // `hit` may answer at once (the memory counter); Redis's answer is always a promise.
        Promise.resolve(counter.hit("g", ["n"], 1000)).then(
          () => "answered",
          (e: Error) => e.name
        ),
        auth.lockedUntil("ip:192.0.2.1", Date.now()).then(
          () => "answered",
          (e: Error) => e.name
        ),
        Effect.runPromise(dnsStore.get("A a.test")),
        docs.reload().then(() => docs.read("enduser"))
      ])
      expect(Date.now() - t0).toBeLessThan(2000)
      expect(outcomes).toEqual(["RedisDeadlineError", "RedisDeadlineError", undefined, "kept@bad.example\n"])
      expect(dnsErrors).toEqual(["get"])
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
