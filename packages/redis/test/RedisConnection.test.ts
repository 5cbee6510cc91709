// The process's Redis connection against a real redis-server: deadlines when Redis is down or
// paused, the hung-connection reset, recovery by itself, one shared connection per options, the
// key scheme, and the configuration section turned into options (files, environment, errors).
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { GatewayConfig } from "@mailmoat/core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { RedisConnection, RedisKeys, RedisSettings } from "../src/index.ts"
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
    const c = RedisConnection.make({ url: `redis://127.0.0.1:${redis.port}`, commandTimeoutMillis: 300, connectTimeoutMillis: 300 })
    try {
      expect(await ping(c)).toBe("PONG")
      redis.pause()
      const errors: Array<unknown> = []
      for (let i = 0; i < RedisConnection.HUNG_AFTER + 2; i++) errors.push(await ping(c).catch((e: unknown) => e))
      expect(errors.map((e) => (e instanceof RedisConnection.RedisUnavailable ? "unavailable" : String(e)))).toEqual(errors.map(() => "unavailable"))
      expect(String((errors[0] as Error).message)).toMatch(/timed out/i)
      // After HUNG_AFTER timeouts in a row the connection was dropped: later calls no longer queue
      // on the paused socket, they fail while it is not ready.
      expect(errors.slice(RedisConnection.HUNG_AFTER).some((e) => /not connected/.test((e as Error).message))).toBe(true)
      redis.resume()
      let answer: unknown
      for (let i = 0; i < 50 && answer !== "PONG"; i++) answer = await ping(c).catch(() => new Promise((r) => setTimeout(r, 100)))
      expect(answer).toBe("PONG")
    } finally {
      redis.resume()
      await c.close()
    }
  }, 30_000)

  test("stopped Redis: calls fail fast, and after a restart on the same port the connection comes back", async () => {
    const c = RedisConnection.make({ url: `redis://127.0.0.1:${redis.port}`, commandTimeoutMillis: 300, connectTimeoutMillis: 300 })
    try {
      expect(await ping(c)).toBe("PONG")
      await redis.kill()
      await expect(ping(c)).rejects.toBeInstanceOf(RedisConnection.RedisUnavailable)
      await redis.restart()
      let answer: unknown
      for (let i = 0; i < 50 && answer !== "PONG"; i++) answer = await ping(c).catch(() => new Promise((r) => setTimeout(r, 100)))
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

  test("a key prefix with braces is refused (it would become every key's hash tag)", () => {
    expect(() => RedisConnection.make({ url: "redis://127.0.0.1:1", keyPrefix: "{x}:" })).toThrow(/must not contain/)
    expect(RedisKeys.key("p:", "tempreject", "a", "b")).toBe("p:tempreject:a:b")
    expect(RedisKeys.tagged("p:", "limits", "auth:192.0.2.1")).toBe("{p:limits:auth:192.0.2.1}")
    expect(RedisKeys.channel("p:", "lists")).toBe("p:lists:events")
  })
})

describe("RedisSettings.fromConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "mailmoat-redis-settings-"))
  writeFileSync(join(dir, "pass"), "from-file\n")
  writeFileSync(join(dir, "empty"), "")
  writeFileSync(join(dir, "ca.pem"), "CA PEM")
  const state = (raw: Record<string, unknown>) => {
    const d = GatewayConfig.decode({ state: { backend: "redis", ...raw } })
    if (!d.ok) throw new Error(d.problems.join("\n"))
    return d.config.state
  }
  const context = { base: dir, env: { REDIS_PW: "from-env" } }

  test("password from a file (first line) or a variable, TLS files read relative to the base, nodes split", () => {
    expect(RedisSettings.fromConfig(state({ url: "rediss://h:6380", redis: { passwordFile: "pass", tls: { caFile: "ca.pem", serverName: "redis.test" } } }), context)).toMatchObject({
      url: "rediss://h:6380",
      password: "from-file",
      tls: { ca: "CA PEM", servername: "redis.test" },
      keyPrefix: "mailmoat:"
    })
    expect(RedisSettings.fromConfig(state({ url: "redis://h", redis: { passwordEnv: "REDIS_PW", username: "gw" } }), context)).toMatchObject({ username: "gw", password: "from-env" })
    expect(
      RedisSettings.fromConfig(state({ redis: { sentinel: { masterName: "m", nodes: ["10.0.0.1:26379", "[::1]:26380"], passwordFile: "pass" } } }), context)?.sentinel
    ).toEqual({ masterName: "m", nodes: [{ host: "10.0.0.1", port: 26379 }, { host: "::1", port: 26380 }], username: undefined, password: "from-file" })
    expect(RedisSettings.fromConfig(GatewayConfig.defaults().state, context)).toBeUndefined()
  })

  test("every unusable file or variable is one problem naming its key, without the secret", () => {
    const error = (() => {
      try {
        RedisSettings.fromConfig(
          state({ url: "redis://h", redis: { passwordEnv: "MISSING_PW", tls: { caFile: "nope.pem" } } }),
          context
        )
      } catch (e) {
        return e
      }
    })() as RedisSettings.RedisConfigError
    expect(error).toBeInstanceOf(RedisSettings.RedisConfigError)
    expect(error.problems).toEqual(["state.redis.passwordEnv: the environment variable MISSING_PW is not set", "state.redis.tls.caFile: cannot read nope.pem (ENOENT)"])
    expect(() => RedisSettings.fromConfig(state({ url: "redis://h", redis: { passwordFile: "empty" } }), context)).toThrow(
      "state.redis.passwordFile: empty is empty (the password goes on its first line)"
    )
  })
})
