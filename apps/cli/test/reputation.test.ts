// `mailmoat reputation show|reset` through the built binary against a running `mailmoat gateway`
// of two worker processes (the history lives in the primary's memory; worker 0 serves the admin
// API): spam from a listed client (rbldnsd) shows with its symbol, a reset clears it. Bad input
// and an unreachable gateway end with exit 2 and 1, one line each. With state.backend: redis the
// command reads and resets Redis itself, no gateway running.
import type { ChildProcess } from "node:child_process"
import { join } from "node:path"
import { Reputation } from "@mailmoat/antispam"
import { RedisConnection, RedisReputationStore } from "@mailmoat/redis"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type RedisPeer, startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { freePort, SmtpSink } from "../../../packages/protocols/test/delivery/support/peers.ts"
import { swaks } from "../../../packages/protocols/test/smtp/support/peers.ts"
import { hasStackTrace, mailmoat, outputWith, startGatewayProcess, tmp, writeConfig } from "./support/cli.ts"

const TOKEN = "reputation-cli-token-0123456789"

let dns: Rbldnsd
let sink: SmtpSink
let child: ChildProcess | undefined
beforeAll(async () => {
  dns = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
  sink = await SmtpSink.start()
})
afterAll(async () => {
  if (child?.exitCode === null) child.kill("SIGKILL")
  await sink?.stop()
  await dns?.stop()
})

const config = (admin: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const dir = tmp()
  return writeConfig({ dataDir: join(dir, "data"), admin, ...extra }, dir)
}

describe("reputation show|reset without a gateway to ask", () => {
  test("a malformed key: exit 2 and why, before anything is asked", async () => {
    const file = config({ token: TOKEN, port: 1 })
    for (const [key, why] of [
      ["10.0.0.0/8", 'mailmoat: only /24 (IPv4) and /64 (IPv6) networks are counted, got "10.0.0.0/8"'],
      ["user@example.net", "mailmoat: expected an IP address, a /24 or /64 network or a domain name"]
    ] as const) {
      for (const command of ["show", "reset"]) {
        const r = await mailmoat(["reputation", command, key, "--config", file])
        expect(r.code).toBe(2)
        expect(r.stderr).toContain(why)
        expect(r.stderr.trim().split("\n")).toHaveLength(1)
        expect(hasStackTrace(r.stderr)).toBe(false)
      }
    }
    const missing = await mailmoat(["reputation", "show", "--config", file])
    expect(missing.code).toBe(2)
    for (const [args, why] of [
      [["--kind", "network"], 'mailmoat: kind: expected ip, net or domain, got "network"'],
      [["--limit", "500"], 'mailmoat: limit: expected a whole number from 1 to 100, got "500"'],
      [["--order", "best"], "mailmoat: order: expected worst or recent"],
      [["--cursor", "next"], 'mailmoat: cursor: expected the "next" of a previous page']
    ] as const) {
      const r = await mailmoat(["reputation", "list", ...args, "--config", file])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(why)
      expect(r.stderr.trim().split("\n")).toHaveLength(1)
    }
    // Nine runs of the binary: more than the default 30 s on a loaded machine.
  }, 90_000)

  test("no token, the admin API off or on any port: exit 2 saying what to set", async () => {
    const cases = [
      [{}, "mailmoat: the admin API needs a token: set admin.token or admin.tokenFile"],
      [{ enabled: false, token: TOKEN }, "mailmoat: the admin API is off (admin.enabled: false)"],
      [{ port: 0, token: TOKEN }, "mailmoat: admin.port is 0 (any free port): give the gateway's --url"]
    ] as const
    for (const [admin, message] of cases) {
      const r = await mailmoat(["reputation", "show", "192.0.2.7", "--config", config(admin)])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(message)
    }
  })

  test("no gateway listening: exit 1, naming the address", async () => {
    const port = await freePort()
    const r = await mailmoat(["reputation", "show", "192.0.2.7", "--config", config({ token: TOKEN, port })])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(`^mailmoat: cannot reach the gateway's admin API at http://127\\.0\\.0\\.1:${port}: `)
    )
    expect(hasStackTrace(r.stderr)).toBe(false)
  })
})

test("against a running multi-process gateway: show reports the spam with its symbol, reset clears it", async () => {
  const [smtpPort, adminPort] = [await freePort(), await freePort()]
  const file = config(
    { host: "127.0.0.1", port: adminPort, token: TOKEN },
    {
      smtp: { host: "127.0.0.1", port: smtpPort, hostname: "gw.test", processes: 2 },
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      classifier: { enabled: false },
      antispam: {
        onSpam: "none",
        rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 20 },
        endUserBlocklist: { enabled: false },
        dns: { servers: [dns.server] },
        reputation: { enabled: true, minMessages: 1 }
      }
    }
  )
  const started = await startGatewayProcess(file)
  child = started.child
  const send = async () => {
    const sent = await swaks(smtpPort, [
      "--local-interface",
      "127.0.0.2",
      "--from",
      "sender@client.test",
      "--helo",
      "client.test",
      "--to",
      "user@example.test"
    ])
    expect(sent.out).toMatch(/<- {2}250 /)
  }
  const reputation = (...args: Array<string>) => mailmoat(["reputation", ...args, "--config", file])

  await send()
  await outputWith(started.output, / message queue=/)
  // The count is written after the reply: asked until it shows.
  let shown = await reputation("show", "127.0.0.2")
  for (let i = 0; i < 50 && !/1 spam/.test(shown.stdout); i++) {
    await new Promise((r) => setTimeout(r, 100))
    shown = await reputation("show", "127.0.0.2")
  }
  expect(shown.code, shown.stderr).toBe(0)
  expect(shown.stdout.trim().split("\n")).toEqual([
    "ip:127.0.0.2: 1 spam / 0 ham (decayed), spam ratio 0.667; a message now: REPUTATION_IP_BAD 0.67",
    "net:127.0.0.0/24: 1 spam / 0 ham (decayed), spam ratio 0.667; a message now: REPUTATION_NET_BAD 0.33"
  ])
  const json = JSON.parse((await reputation("show", "::ffff:127.0.0.2", "--json")).stdout)
  expect(json).toMatchObject({ query: "ip:127.0.0.2", minMessages: 1 })
  expect(json.keys[0]).toMatchObject({ key: "ip:127.0.0.2", spam: 1, scores: true, symbol: { score: 0.67 } })

  const reset = await reputation("reset", "127.0.0.2")
  expect(reset.code, reset.stderr).toBe(0)
  expect(reset.stdout).toBe(
    "reset ip:127.0.0.2: its history is deleted\n(its network net:127.0.0.0/24 keeps its history: reset it with --with-network, or by naming it)\n"
  )
  expect(await outputWith(started.output, /reputation_reset/)).toMatch(/reputation_reset.*key="ip:127\.0\.0\.2"/)
  expect((await reputation("reset", "127.0.0.0/24", "--json")).stdout).toMatch(/"existed":true/)
  expect((await reputation("reset", "127.0.0.2")).stdout).toMatch(/^reset ip:127\.0\.0\.2: it had no history\n/)
  expect((await reputation("show", "127.0.0.2")).stdout.split("\n")[0]).toBe(
    "ip:127.0.0.2: 0 spam / 0 ham (decayed), spam ratio 0.5; a message now: nothing (below minMessages 1)"
  )

  // The listing (the primary's memory, through worker 0), then a reset that takes the network too.
  await send()
  let listed = await reputation("list")
  for (let i = 0; i < 50 && !/1 spam/.test(listed.stdout); i++) {
    await new Promise((r) => setTimeout(r, 100))
    listed = await reputation("list")
  }
  expect(listed.code, listed.stderr).toBe(0)
  expect(listed.stdout.trim().split("\n")).toEqual([
    "ip:127.0.0.2: 1 spam / 0 ham (decayed), spam ratio 0.667; a message now: REPUTATION_IP_BAD 0.67",
    "  net:127.0.0.0/24: 1 spam / 0 ham (decayed), spam ratio 0.667; a message now: REPUTATION_NET_BAD 0.33"
  ])
  const nets = JSON.parse((await reputation("list", "--kind", "net", "--order", "recent", "--json")).stdout)
  expect(nets).toMatchObject({ kind: "net", order: "recent", next: null, keys: [{ key: "net:127.0.0.0/24", spam: 1 }] })
  const both = await reputation("reset", "127.0.0.2", "--with-network")
  expect(both.code, both.stderr).toBe(0)
  expect(both.stdout).toBe(
    "reset ip:127.0.0.2: its history is deleted\nreset net:127.0.0.0/24: its history is deleted\n"
  )
  expect((await reputation("list", "--kind", "net")).stdout).toBe("no net keys on this page (0 ranked)\n")

  // Wrong token: the gateway's 401 is the user's to fix.
  const wrong = await mailmoat([
    "reputation",
    "show",
    "127.0.0.2",
    "--config",
    config({ token: "another-token-0123456789abcdef" }),
    "--url",
    `http://127.0.0.1:${adminPort}`
  ])
  expect(wrong.code).toBe(2)
  expect(wrong.stderr).toContain(`http://127.0.0.1:${adminPort} answered 401: missing or wrong bearer token`)

  const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)))
  child.kill("SIGTERM")
  expect(await exited).toBe(0)
}, 120_000)

describe("reputation show|reset on Redis directly (state.backend: redis)", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  test("what the fleet counted shows with its symbol; reset deletes the key; off is exit 2, Redis down exit 1", async () => {
    const connection = RedisConnection.make({ url: redis.url, keyPrefix: "cli:" })
    const store = RedisReputationStore.make(connection)
    const state = { backend: "redis", url: redis.url, keyPrefix: "cli:" }
    // No admin token and no gateway: Redis alone answers.
    const file = config({}, { state, antispam: { reputation: { enabled: true, minMessages: 2 } } })
    const reputation = (...args: Array<string>) => mailmoat(["reputation", ...args, "--config", file])
    try {
      // The CLI reads the counts at its own time: the test starts a minute or more before the
      // next 18 h bucket begins, or the counts written here would read decayed (2^-1/4) to it.
      const edge = Reputation.Decay.windowAt(Date.now(), 72)
      const toNextBucket = (edge.bucket + 1) * edge.bucketSeconds * 1000 - Date.now()
      if (toNextBucket < 60_000) await new Promise((r) => setTimeout(r, toNextBucket + 100))
      const window = Reputation.Decay.windowAt(Date.now(), 72)
      for (let i = 0; i < 3; i++) await store.record(["ip:192.0.2.7", "net:192.0.2.0/24"], "spam", window)
      const shown = await reputation("show", "::ffff:192.0.2.7")
      expect(shown.code, shown.stderr).toBe(0)
      expect(shown.stdout.split("\n")[0]).toBe(
        "ip:192.0.2.7: 3 spam / 0 ham (decayed), spam ratio 0.8; a message now: REPUTATION_IP_BAD 1.2"
      )
      const listed = await reputation("list", "--kind", "ip")
      expect(listed.code, listed.stderr).toBe(0)
      expect(listed.stdout.split("\n")[0]).toBe(
        "ip:192.0.2.7: 3 spam / 0 ham (decayed), spam ratio 0.8; a message now: REPUTATION_IP_BAD 1.2"
      )
      const reset = await reputation("reset", "192.0.2.7", "--json")
      expect(reset.code, reset.stderr).toBe(0)
      expect(JSON.parse(reset.stdout)).toEqual({
        key: "ip:192.0.2.7",
        reset: true,
        existed: true,
        networkKept: "net:192.0.2.0/24"
      })
      expect(await connection.client.exists(`cli:reputation:${window.bucketSeconds}:ip:192.0.2.7`)).toBe(0)
      expect(await store.lookup(["net:192.0.2.0/24"], window)).toEqual([[[window.bucket, 0, 3]]])
      await store.record(["ip:192.0.2.7"], "spam", window)
      const both = JSON.parse((await reputation("reset", "192.0.2.7", "--with-network", "--json")).stdout)
      expect(both).toEqual({
        key: "ip:192.0.2.7",
        reset: true,
        existed: true,
        network: { key: "net:192.0.2.0/24", existed: true }
      })
      expect(await store.lookup(["ip:192.0.2.7", "net:192.0.2.0/24"], window)).toEqual([[], []])

      const off = await mailmoat(["reputation", "show", "192.0.2.7", "--config", config({}, { state })])
      expect(off.code).toBe(2)
      expect(off.stderr).toBe("mailmoat: reputation counters are off (antispam.reputation.enabled: false)\n")

      const down = await mailmoat([
        "reputation",
        "reset",
        "192.0.2.7",
        "--config",
        config(
          {},
          {
            state: {
              backend: "redis",
              url: "redis://127.0.0.1:1",
              redis: { connectTimeoutMillis: 300, commandTimeoutMillis: 300 }
            },
            antispam: { reputation: { enabled: true } }
          }
        )
      ])
      expect(down.code).toBe(1)
      expect(down.stderr).toMatch(
        /^mailmoat: reputation store unreachable: redis redis:\/\/127\.0\.0\.1:1 .*resetting reputation: /
      )
      expect(hasStackTrace(down.stderr)).toBe(false)
    } finally {
      await store.close()
    }
  }, 60_000)
})
