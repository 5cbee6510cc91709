// The `state` section turned into connection options: password and TLS files read relative to
// the configuration's directory, the password variable, host:port lists; every problem names its
// key and never shows a secret.
import { fc, test as propTest } from "@fast-check/vitest"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { GatewayConfig } from "@mailmoat/antispam"
import { describe, expect, test } from "vitest"
import { RedisSettings } from "../src/index.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

describe("RedisSettings.fromConfig", () => {
  const dir = tempDir("mailmoat-redis-settings-")
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
    expect(
      RedisSettings.fromConfig(
        state({
          url: "rediss://h:6380",
          redis: { passwordFile: "pass", tls: { caFile: "ca.pem", serverName: "redis.test" } }
        }),
        context
      )
    ).toMatchObject({
      url: "rediss://h:6380",
      password: "from-file",
      tls: { ca: "CA PEM", servername: "redis.test" },
      keyPrefix: "mailmoat:"
    })
    expect(
      RedisSettings.fromConfig(state({ url: "redis://h", redis: { passwordEnv: "REDIS_PW", username: "gw" } }), context)
    ).toMatchObject({ username: "gw", password: "from-env" })
    expect(
      RedisSettings.fromConfig(
        state({
          redis: { sentinel: { masterName: "m", nodes: ["10.0.0.1:26379", "[::1]:26380"], passwordFile: "pass" } }
        }),
        context
      )?.sentinel
    ).toEqual({
      masterName: "m",
      nodes: [
        { host: "10.0.0.1", port: 26379 },
        { host: "::1", port: 26380 }
      ],
      username: undefined,
      password: "from-file"
    })
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
    expect(error.problems).toEqual([
      "state.redis.passwordEnv: the environment variable MISSING_PW is not set",
      "state.redis.tls.caFile: cannot read nope.pem (ENOENT)"
    ])
    expect(() =>
      RedisSettings.fromConfig(state({ url: "redis://h", redis: { passwordFile: "empty" } }), context)
    ).toThrow("state.redis.passwordFile: empty is empty (the password goes on its first line)")
  })

  const host = fc.oneof(
    fc.ipV4(),
    fc.ipV6().map((a) => `[${a}]`),
    fc.domain()
  )
  propTest.prop([fc.array(fc.tuple(host, fc.integer({ min: 1, max: 65535 })), { minLength: 1, maxLength: 5 })])(
    "cluster nodes: every host:port the schema accepts comes back as its host and port",
    (nodes) => {
      const written = nodes.map(([h, p]) => `${h}:${p}`)
      const decoded = GatewayConfig.decode({ state: { backend: "redis", redis: { cluster: { nodes: written } } } })
      if (!decoded.ok) return // a host the schema refuses (e.g. an IPv6 zone form) is not ours to parse
      const options = RedisSettings.fromConfig(decoded.config.state, context)
      expect(options?.cluster?.nodes).toEqual(nodes.map(([h, p]) => ({ host: h.replace(/^\[(.*)\]$/, "$1"), port: p })))
    }
  )
})
