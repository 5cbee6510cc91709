// The process's Redis connection against a real redis-server: deadlines when Redis is down or
// paused, the hung-connection reset, recovery by itself, one shared connection per options, the
// key scheme and the layer.
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { RedisConnection, RedisKeys } from "../src/index.ts"
import { type RedisProcess, startRedisProcess } from "./support/RedisProcess.ts"

const ping = (c: RedisConnection.RedisConnection) => c.call("ping", (client) => client.ping())

describe("RedisConnection (real redis-server)", () => {
  let redis: RedisProcess
  beforeAll(async () => {
    redis = await startRedisProcess([])
  })
  afterAll(async () => {
    await redis?.stop()
  })

  test("paused Redis: every call fails at its deadline, the hung connection is replaced, and it recovers by itself", async () => {
    const c = RedisConnection.make({
      url: `redis://127.0.0.1:${redis.port}`,
      commandTimeoutMillis: 300,
      connectTimeoutMillis: 300
    })
    const events: Array<string> = []
    c.watch((e) => events.push(e.type === "ready" ? `ready${e.restored ? " again" : ""}` : e.type))
    try {
      expect(await ping(c)).toBe("PONG")
      redis.pause()
      const errors: Array<unknown> = []
      for (let i = 0; i < RedisConnection.HUNG_AFTER + 2; i++) errors.push(await ping(c).catch((e: unknown) => e))
      expect(errors.map((e) => (e instanceof RedisConnection.RedisUnavailable ? "unavailable" : String(e)))).toEqual(
        errors.map(() => "unavailable")
      )
      expect(String((errors[0] as Error).message)).toMatch(/timed out/i)
      // After HUNG_AFTER timeouts in a row the connection was dropped: later calls no longer queue
      // on the paused socket, they fail while it is not ready.
      expect(errors.slice(RedisConnection.HUNG_AFTER).some((e) => /not connected/.test((e as Error).message))).toBe(
        true
      )
      redis.resume()
      let answer: unknown
      for (let i = 0; i < 50 && answer !== "PONG"; i++)
        answer = await ping(c).catch(() => new Promise((r) => setTimeout(r, 100)))
      expect(answer).toBe("PONG")
      expect(events).toEqual(["ready", "hung", "lost", "ready again"])
    } finally {
      redis.resume()
      await c.close()
    }
  }, 30_000)

  test("stopped Redis: calls fail fast, and after a restart on the same port the connection comes back", async () => {
    const c = RedisConnection.make({
      url: `redis://127.0.0.1:${redis.port}`,
      commandTimeoutMillis: 300,
      connectTimeoutMillis: 300
    })
    try {
      expect(await ping(c)).toBe("PONG")
      await redis.kill()
      await expect(ping(c)).rejects.toBeInstanceOf(RedisConnection.RedisUnavailable)
      await redis.restart()
      let answer: unknown
      for (let i = 0; i < 50 && answer !== "PONG"; i++)
        answer = await ping(c).catch(() => new Promise((r) => setTimeout(r, 100)))
      expect(answer).toBe("PONG")
    } finally {
      await c.close()
    }
  }, 30_000)

  test("acquire: one connection per options, closed when the last holder closes", async () => {
    const options = { url: `redis://127.0.0.1:${redis.port}`, keyPrefix: "acq:" }
    const a = RedisConnection.acquire(options)
    const b = RedisConnection.acquire({ ...options })
    const other = RedisConnection.acquire({ ...options, keyPrefix: "other:" })
    try {
      expect(a.client).toBe(b.client)
      expect(other.client).not.toBe(a.client)
      await a.close()
      await a.close() // a second close of one handle does not release another holder's
      expect(await ping(b)).toBe("PONG")
      await b.close()
      await expect(ping(b)).rejects.toThrow(/closed/)
    } finally {
      await other.close()
    }
  })

  test("the layer provides the shared connection and releases it with its scope", async () => {
    const options = { url: `redis://127.0.0.1:${redis.port}`, keyPrefix: "layer:" }
    const outside = RedisConnection.acquire(options)
    try {
      const answer = await Effect.runPromise(
        Effect.gen(function* () {
          const connection = yield* RedisConnection.RedisConnectionService
          expect(connection.client).toBe(outside.client)
          return yield* Effect.promise(() => ping(connection))
        }).pipe(Effect.provide(RedisConnection.layer(options)))
      )
      expect(answer).toBe("PONG")
      // The layer's handle is released with its scope; ours still works.
      expect(await ping(outside)).toBe("PONG")
    } finally {
      await outside.close()
    }
  })

  test("a key prefix with braces is refused (it would become every key's hash tag)", () => {
    expect(() => RedisConnection.make({ url: "redis://127.0.0.1:1", keyPrefix: "{x}:" })).toThrow(/must not contain/)
    expect(RedisKeys.key("p:", "tempreject", "a", "b")).toBe("p:tempreject:a:b")
    expect(RedisKeys.tagged("p:", "limits", "auth:192.0.2.1")).toBe("{p:limits:auth:192.0.2.1}")
    expect(RedisKeys.channel("p:", "lists")).toBe("p:lists:events")
  })
})
