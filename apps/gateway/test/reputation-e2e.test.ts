// Reputation end to end: swaks (bound to 127.0.0.2, 127.0.0.3 and 127.0.1.4) -> gateway (its own
// wiring from the configuration) -> rbldnsd listing 127.0.0.2 -> smtp-sink. Spam from one address
// raises that address's symbols on its later mail, its /24 neighbour gets the network's, another
// network nothing; through Redis two gateways share the history; with the section off nothing
// is counted; Redis stopped mid-run costs a log line, never a reply; a bad section stops the
// start and is refused at reload, a good reload keeps the history. The admin API shows a key's
// history with the symbol a message would get, and a reset clears it (memory and Redis).
import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { GatewayConfig, type Reputation } from "@mailmoat/antispam"
import { ConfigFile } from "@mailmoat/platform-node"
import { RedisConnection } from "@mailmoat/redis"
import { Envelope, MessageModel } from "@mailmoat/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest"
import { type RedisPeer, startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { Log, type RunningGateway, startGateway, wire } from "../src/index.ts"
import { api, TOKEN } from "./support/admin.ts"
import { gateway, SmtpSink, swaks, tempDir } from "./support/peers.ts"

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url))

let rbl: Rbldnsd
let sink: SmtpSink
const running: Array<RunningGateway> = []
beforeAll(async () => {
  rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
  sink = await SmtpSink.start()
})
afterAll(async () => {
  for (const g of running) await g.close()
  await sink?.stop()
  await rbl?.stop()
})

/** A gateway whose verdicts only the list decides: 127.0.0.2 is spam, other clients ham; spam is delivered tagged. */
const start = async (
  reputation: Record<string, unknown>,
  state: Record<string, unknown> = {},
  log?: Array<string>
): Promise<RunningGateway> => {
  const gw = await gateway(
    {
      state,
      admin: { token: TOKEN },
      delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
      classifier: { enabled: false },
      antispam: {
        onSpam: "none",
        rbl: { servers: ["bl.test"], skip: ["127.0.0.1/32"], timeoutSeconds: 20 },
        endUserBlocklist: { enabled: false },
        dns: { servers: [rbl.server] },
        reputation
      }
    },
    log ? { log: (l) => log.push(l) } : {}
  )
  running.push(gw)
  return gw
}

let n = 0
/** Sends one message from `address`; expects 250 and resolves with the copy smtp-sink got. */
const send = async (gw: RunningGateway, address: string): Promise<string> => {
  const subject = `reputation e2e ${++n}`
  const r = await swaks(gw.smtp.port, [
    "--local-interface",
    address,
    "--from",
    "sender@client.test",
    "--helo",
    "client.test",
    "--to",
    "user@example.test",
    "--header",
    `Subject: ${subject}`
  ])
  expect(r.out).toMatch(/<- {2}250 /)
  return sink.dumpWith(`Subject: ${subject}`)
}
const symbolsOf = (dump: string) => /X-Mailmoat-Symbols: (.*)/.exec(dump)?.[1] ?? ""
/** A series of the gateway's `/metrics` (`name{labels}` as written there); 0 when absent. */
const metric = async (gw: RunningGateway, series: string): Promise<number> => {
  const text = (await api(gw, "GET", "/metrics")).text
  const line = text.split("\n").find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}
const on = { enabled: true, minMessages: 3 }
/** Several SMTP sessions or gateway starts per case: more than the default 30 s on a loaded machine. */
const SLOW = { timeout: 150_000 }

describe("reputation through real SMTP sessions", () => {
  let redis: RedisPeer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  test(
    "spam from one address raises its symbols on a later message; its network neighbour and another network",
    SLOW,
    async () => {
      const log: Array<string> = []
      const gw = await start(on, {}, log)
      for (let i = 0; i < 3; i++) expect(symbolsOf(await send(gw, "127.0.0.2"))).not.toMatch(/REPUTATION_/)
      const later = await send(gw, "127.0.0.2")
      expect(later).toContain("X-Mailmoat-Verdict: spam")
      expect(symbolsOf(later)).toMatch(/REPUTATION_IP_BAD/)
      expect(symbolsOf(later)).toMatch(/REPUTATION_NET_BAD/)
      const neighbour = await send(gw, "127.0.0.3")
      expect(symbolsOf(neighbour)).toMatch(/REPUTATION_NET_BAD/)
      expect(symbolsOf(neighbour)).not.toMatch(/REPUTATION_IP_/)
      const elsewhere = await send(gw, "127.0.1.4")
      expect(elsewhere).toContain("X-Mailmoat-Verdict: ham")
      expect(symbolsOf(elsewhere)).not.toMatch(/REPUTATION_/)
      // The message line says what reputation added and why.
      expect(log.find((l) => /client="127\.0\.0\.2".*reputation=/.test(l))).toMatch(
        /REPUTATION_IP_BAD 1\.2 \(127\.0\.0\.2: 3 spam \/ 0 ham \(decayed\), spam ratio 0\.8\)/
      )
      expect(gw.status().modules.antispam).toMatchObject({ reputation: { enabled: true, store: expect.any(String) } })
    }
  )

  test("Redis: off counts nothing; on, two gateways share one history", SLOW, async () => {
    const state = { backend: "redis", url: redis.url }
    const probe = RedisConnection.make({ url: redis.url })
    try {
      const off = await start({ enabled: false }, state)
      for (let i = 0; i < 4; i++) expect(symbolsOf(await send(off, "127.0.0.2"))).not.toMatch(/REPUTATION_/)
      expect(await probe.client.keys("*reputation*")).toEqual([])

      const a = await start(on, state)
      const b = await start(on, state)
      for (let i = 0; i < 3; i++) await send(a, "127.0.0.2")
      expect(symbolsOf(await send(b, "127.0.0.2"))).toMatch(/REPUTATION_IP_BAD/)
      expect((await probe.client.keys("*reputation*")).sort()).toEqual([
        "mailmoat:reputation:64800:ip:127.0.0.2",
        "mailmoat:reputation:64800:net:127.0.0.0/24"
      ])
      expect(await probe.client.ttl("mailmoat:reputation:64800:ip:127.0.0.2")).toBeGreaterThan(0)
    } finally {
      await probe.close()
    }
  })

  test("a one-shot judgement (mailmoat scan) reads the fleet's history but counts nothing", SLOW, async () => {
    const probe = RedisConnection.make({ url: redis.url })
    const decoded = GatewayConfig.decode({
      state: { backend: "redis", url: redis.url, keyPrefix: "scan:" },
      classifier: { enabled: false },
      antispam: { endUserBlocklist: { enabled: false }, reputation: { enabled: true, minMessages: 1 } }
    })
    if (!decoded.ok) throw new Error(decoded.problems.join("\n"))
    const dir = tempDir()
    const logger = Log.make({ level: "error", format: "text" }, () => {}, Date.now)
    const open = (judgeOnly: boolean) =>
      wire(decoded.config, { base: dir, dataDir: dir, logger, healthIntervalMillis: 0, judgeOnly })
    const judge = async (wiring: Awaited<ReturnType<typeof open>>, clientAddress: string) => {
      const envelope = Envelope.make({ clientAddress, mailFrom: "a@client.test", rcptTo: ["u@example.test"] })
      const bytes = new TextEncoder().encode("Subject: scan\r\n\r\nhi\r\n")
      const [o] = await Effect.runPromise(
        wiring.protection!.module.evaluate(MessageModel.fromBytes(bytes, { envelope }))
      )
      return o!
    }
    const [scan, gatewayLike] = [await open(true), await open(false)]
    try {
      expect((await judge(scan, "198.51.100.7")).verdict.trace.map((t) => t.stage)).toContain("reputation")
      // Control, on the same Redis connection and after it: the gateway's wiring counts its message.
      await judge(gatewayLike, "198.51.100.8")
      await vi.waitFor(async () => expect(await probe.client.keys("scan:reputation:*:ip:*")).toHaveLength(1))
      expect(await probe.client.keys("scan:reputation:*")).toEqual(
        expect.not.arrayContaining(["scan:reputation:64800:ip:198.51.100.7"])
      )
      expect(await probe.client.keys("scan:reputation:*:ip:*")).toEqual(["scan:reputation:64800:ip:198.51.100.8"])
    } finally {
      await scan.close()
      await gatewayLike.close()
      await probe.close()
    }
  })
})

describe("reputation when Redis stops mid-run", () => {
  let redis: RedisPeer | undefined
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  test("mail still gets 250; the log says reputation was skipped", SLOW, async () => {
    const log: Array<string> = []
    const state = { backend: "redis", url: redis!.url, redis: { commandTimeoutMillis: 500 } }
    const gw = await start({ enabled: true, minMessages: 1 }, state, log)
    await send(gw, "127.0.0.2")
    expect(log.join("\n")).not.toMatch(/reputation: skipped/)
    await redis!.stop()
    redis = undefined
    for (const address of ["127.0.0.2", "127.0.1.4"])
      expect(symbolsOf(await send(gw, address))).toMatch(/REPUTATION_STORE_DOWN/)
    expect(log.join("\n")).toMatch(/reputation: skipped, store unreachable/)
    expect(log.find((l) => /client="127\.0\.1\.4".*reputation=/.test(l))).toMatch(/REPUTATION_STORE_DOWN 0 \(/)
    // The admin API says so too, and goes on answering.
    for (const [method, path] of [
      ["GET", "/api/reputation/127.0.0.2"],
      ["DELETE", "/api/reputation/127.0.0.2"]
    ] as const) {
      const down = await api(gw, method, path)
      expect(down.status).toBe(503)
      expect(down.json.error).toMatch(
        /^reputation store unreachable: redis redis:\/\/127\.0\.0\.1:\d+ \(prefix mailmoat:\): (reading|resetting) reputation: \S/
      )
    }
    expect((await api(gw, "GET", "/api/reputation/not..a..key")).status).toBe(400)
  })
})

describe("reputation through the admin API: show and reset", () => {
  const show = async (gw: RunningGateway, key: string) => {
    const r = await api(gw, "GET", `/api/reputation/${encodeURIComponent(key)}`)
    expect(r.status, r.text).toBe(200)
    return r.json as unknown as { query: string; minMessages: number; keys: Array<Record<string, unknown>> }
  }

  test(
    "spam raises the key's symbol in show; reset clears it and the next message scores without it",
    SLOW,
    async () => {
      const log: Array<string> = []
      const gw = await start(on, {}, log)
      for (let i = 0; i < 3; i++) await send(gw, "127.0.0.2")
      // Any text form of the address; its network comes with it.
      const before = await show(gw, "::ffff:127.0.0.2")
      expect(before.query).toBe("ip:127.0.0.2")
      expect(before.keys.map((k) => k.key)).toEqual(["ip:127.0.0.2", "net:127.0.0.0/24"])
      expect(before.keys[0]).toMatchObject({
        ham: 0,
        spam: 3,
        spamRatio: 0.8,
        scores: true,
        symbol: {
          name: "REPUTATION_IP_BAD",
          score: 1.2,
          detail: "127.0.0.2: 3 spam / 0 ham (decayed), spam ratio 0.8"
        }
      })
      expect(before.keys[1]).toMatchObject({ symbol: { name: "REPUTATION_NET_BAD", score: 0.6 } })

      expect((await api(gw, "DELETE", "/api/reputation/127.0.0.2", undefined, null)).status).toBe(401)
      const reset = await api(gw, "DELETE", "/api/reputation/127.0.0.2")
      expect(reset.status).toBe(200)
      expect(reset.json).toEqual({ key: "ip:127.0.0.2", reset: true, existed: true, networkKept: "net:127.0.0.0/24" })
      expect(log.find((l) => /reputation_reset/.test(l))).toMatch(
        /key="ip:127\.0\.0\.2".*existed="true".*by="admin API \(127\.0\.0\.1\)"/
      )
      expect((await show(gw, "127.0.0.2")).keys[0]).toMatchObject({ ham: 0, spam: 0, symbol: null, buckets: [] })
      // The network is a key of its own; /24 written with its slash encoded.
      expect((await api(gw, "DELETE", "/api/reputation/127.0.0.9%2F24")).json).toMatchObject({
        key: "net:127.0.0.0/24",
        existed: true
      })
      const next = await send(gw, "127.0.0.2")
      expect(next).toContain("X-Mailmoat-Verdict: spam")
      expect(symbolsOf(next)).not.toMatch(/REPUTATION_/)
      // Counted again from nothing.
      await vi.waitFor(async () => expect((await show(gw, "127.0.0.2")).keys[0]).toMatchObject({ spam: 1 }))
      expect((await api(gw, "DELETE", "/api/reputation/127.0.0.77")).json).toMatchObject({ existed: false })
    }
  )

  test("malformed keys are a 400 saying why; reputation off is a 409", SLOW, async () => {
    const gw = await start(on)
    for (const [key, why] of [
      ["127.0.0.0%2F16", /only \/24 \(IPv4\) and \/64 \(IPv6\) networks/],
      ["user%40example.test", /expected an IP address, a \/24 or \/64 network or a domain name/],
      ["ip:example.test", /not an IP address/]
    ] as const) {
      const r = await api(gw, "GET", `/api/reputation/${key}`)
      expect(r.status).toBe(400)
      expect(r.json.error).toMatch(why)
    }
    const off = await start({ enabled: false })
    for (const method of ["GET", "DELETE"]) {
      const r = await api(off, method, "/api/reputation/127.0.0.2")
      expect(r.status).toBe(409)
      expect(r.json.error).toBe("reputation counters are off (antispam.reputation.enabled: false)")
    }
  })

  test("Redis: show reads the fleet's history, reset deletes the key (DEL)", SLOW, async () => {
    const redis = await startRedis()
    const probe = RedisConnection.make({ url: redis.url })
    try {
      const state = { backend: "redis", url: redis.url, keyPrefix: "adm:" }
      const [a, b] = [await start(on, state), await start(on, state)]
      for (let i = 0; i < 3; i++) await send(a, "127.0.0.2")
      expect((await show(b, "example.test")).keys[0]).toMatchObject({ key: "domain:example.test", spam: 0 })
      expect((await show(b, "127.0.0.2")).keys[0]).toMatchObject({ spam: 3, symbol: { name: "REPUTATION_IP_BAD" } })
      expect(await probe.client.exists("adm:reputation:64800:ip:127.0.0.2")).toBe(1)
      expect((await api(b, "DELETE", "/api/reputation/ip:127.0.0.2")).json).toMatchObject({ existed: true })
      expect(await probe.client.exists("adm:reputation:64800:ip:127.0.0.2")).toBe(0)
      expect(await probe.client.exists("adm:reputation:64800:net:127.0.0.0/24")).toBe(1)
      expect(symbolsOf(await send(a, "127.0.0.2"))).not.toMatch(/REPUTATION_IP_/)
    } finally {
      await probe.close()
      await redis.stop()
    }
  })
})

describe("reputation through the admin API: listing, a reset with the network, metrics", () => {
  test(
    "lookups, updates, symbols, resets and keys move in /metrics; the listing ranks the worst first; a reset takes the network too when asked",
    SLOW,
    async () => {
      const log: Array<string> = []
      const gw = await start(on, {}, log)
      expect(await metric(gw, 'mailmoat_reputation_keys{store="memory"}')).toBe(0)
      for (let i = 0; i < 4; i++) await send(gw, "127.0.0.2")
      await send(gw, "127.0.0.3")
      expect(await metric(gw, "mailmoat_reputation_lookups_total")).toBe(5)
      await vi.waitFor(async () => expect(await metric(gw, "mailmoat_reputation_updates_total")).toBe(5))
      // The fourth message from 127.0.0.2 and the one from its neighbour.
      expect(await metric(gw, 'mailmoat_reputation_symbols_total{symbol="REPUTATION_IP_BAD"}')).toBe(1)
      expect(await metric(gw, 'mailmoat_reputation_symbols_total{symbol="REPUTATION_NET_BAD"}')).toBe(2)
      expect(await metric(gw, 'mailmoat_reputation_keys{store="memory"}')).toBe(3)

      const page = await api(gw, "GET", "/api/reputation?kind=ip&order=worst&limit=10")
      expect(page.status, page.text).toBe(200)
      const listed = page.json as unknown as Reputation.Listing.ListPage
      expect(listed).toMatchObject({ kind: "ip", order: "worst", ranked: 2, next: null })
      expect(listed.keys.map((k) => [k.key, k.spam, k.ham, k.symbol?.name ?? null])).toEqual([
        ["ip:127.0.0.2", 4, 0, "REPUTATION_IP_BAD"],
        ["ip:127.0.0.3", 0, 1, null]
      ])
      expect(listed.keys[0]!.network).toMatchObject({ key: "net:127.0.0.0/24", spam: 4, ham: 1 })
      const nets = (await api(gw, "GET", "/api/reputation?kind=net")).json as unknown as Reputation.Listing.ListPage
      expect(nets.keys.map((k) => k.key)).toEqual(["net:127.0.0.0/24"])
      for (const [query, why] of [
        ["kind=network", /kind: expected ip, net or domain/],
        ["limit=500", /limit: expected a whole number from 1 to 100/],
        ["cursor=x", /cursor/]
      ] as const) {
        const r = await api(gw, "GET", `/api/reputation?${query}`)
        expect(r.status).toBe(400)
        expect(r.json.error).toMatch(why)
      }
      expect((await api(gw, "GET", "/api/reputation", undefined, null)).status).toBe(401)
      expect((await api(gw, "DELETE", "/api/reputation/127.0.0.2?network=maybe")).status).toBe(400)

      const reset = await api(gw, "DELETE", "/api/reputation/::ffff:127.0.0.2?network=1")
      expect(reset.json).toEqual({
        key: "ip:127.0.0.2",
        reset: true,
        existed: true,
        network: { key: "net:127.0.0.0/24", existed: true }
      })
      expect(log.filter((l) => /reputation_reset/.test(l)).map((l) => /key="([^"]+)"/.exec(l)?.[1])).toEqual([
        "ip:127.0.0.2",
        "net:127.0.0.0/24"
      ])
      expect(await metric(gw, 'mailmoat_reputation_resets_total{kind="ip"}')).toBe(1)
      expect(await metric(gw, 'mailmoat_reputation_resets_total{kind="network"}')).toBe(1)
      expect(await metric(gw, 'mailmoat_reputation_keys{store="memory"}')).toBe(1)
      const after = (await api(gw, "GET", "/api/reputation?kind=ip")).json as unknown as Reputation.Listing.ListPage
      expect(after.keys.map((k) => k.key)).toEqual(["ip:127.0.0.3"])
      expect(after.keys[0]!.network).toMatchObject({ key: "net:127.0.0.0/24", spam: 0, ham: 0, symbol: null })
    }
  )

  test("Redis: the listing walks the fleet's keys with SCAN", SLOW, async () => {
    const redis = await startRedis()
    try {
      const state = { backend: "redis", url: redis.url, keyPrefix: "lst:" }
      const [a, b] = [await start(on, state), await start(on, state)]
      for (let i = 0; i < 3; i++) await send(a, "127.0.0.2")
      await send(b, "127.0.0.3")
      await vi.waitFor(async () => {
        const page = (await api(b, "GET", "/api/reputation?kind=ip")).json as unknown as Reputation.Listing.ListPage
        expect(page.keys.map((k) => [k.key, k.symbol?.name ?? null])).toEqual([
          ["ip:127.0.0.2", "REPUTATION_IP_BAD"],
          ["ip:127.0.0.3", null]
        ])
      })
      const reset = await api(a, "DELETE", "/api/reputation/127.0.0.2?network=1")
      expect(reset.json).toMatchObject({ existed: true, network: { key: "net:127.0.0.0/24", existed: true } })
      const nets = (await api(b, "GET", "/api/reputation?kind=net")).json as unknown as Reputation.Listing.ListPage
      expect(nets.keys).toEqual([])
    } finally {
      await redis.stop()
    }
  })
})

describe("reputation configuration: start-up and reload", () => {
  const yaml = (dir: string, reputation: string, extra = "") =>
    [
      `dataDir: ${dir}/data`,
      "smtp: { host: 127.0.0.1, port: 0, hostname: gw.test }",
      `admin: { host: 127.0.0.1, port: 0, token: ${TOKEN} }`,
      `delivery: { downstream: { host: 127.0.0.1, port: ${sink.port} } }`,
      "classifier: { enabled: false }",
      "antispam:",
      "  onSpam: none",
      "  endUserBlocklist: { enabled: false }",
      "  rbl: { servers: [bl.test], skip: [127.0.0.1/32], timeoutSeconds: 20 }",
      `  dns: { servers: ["${rbl.server}"] }`,
      `  reputation: ${reputation}`,
      extra,
      ""
    ].join("\n")

  /** Runs the built gateway on `text`; resolves with its exit code and standard error. */
  const run = (text: string) => {
    const dir = tempDir()
    const file = join(dir, "mailmoat.yaml")
    writeFileSync(file, text.replaceAll("$DIR", dir))
    return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, "--config", file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
      let stderr = ""
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
      child.on("error", reject)
      child.on("close", (code) => {
        clearTimeout(timer)
        resolve({ code, stderr })
      })
    })
  }

  test("a bad section stops the built gateway with exit 2, naming the key", SLOW, async () => {
    const bad = await run(yaml("$DIR", "{ enabled: true, halfLifeHours: 0, minMessages: 0 }"))
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      "mailmoat: config: antispam.reputation.halfLifeHours: expected a number from 0.01 to 8760"
    )
    expect(bad.stderr).toContain("mailmoat: config: antispam.reputation.minMessages: expected an integer >= 1")
    const flat = await run(yaml("$DIR", "{ enabled: true }", "  scores: { REPUTATION_IP_BAD: 4 }"))
    expect(flat.code).toBe(2)
    expect(flat.stderr).toContain("antispam.scores.REPUTATION_IP_BAD: reputation scales its weights")
  })

  test(
    "a reload follows the section: a bad one is refused, a good one applies and keeps the embedded history",
    SLOW,
    async () => {
      const dir = tempDir()
      const file = join(dir, "mailmoat.yaml")
      writeFileSync(file, yaml(dir, "{ enabled: true, minMessages: 3 }"))
      const load = () => ConfigFile.load(GatewayConfig.codec, { file })
      const first = load()
      if (!first.ok) throw new Error(first.problems.join("\n"))
      const gw = await startGateway(first.config, { base: dir, reloadConfig: load, shutdownTimeoutMs: 5000 })
      running.push(gw)
      for (let i = 0; i < 3; i++) await send(gw, "127.0.0.2")
      writeFileSync(file, yaml(dir, "{ enabled: true, minMessages: 0 }"))
      const refused = await api(gw, "POST", "/api/reload")
      expect(refused.status).toBe(422)
      expect(refused.json.problems).toEqual(["antispam.reputation.minMessages: expected an integer >= 1, got 0"])
      writeFileSync(file, yaml(dir, "{ enabled: true, minMessages: 3, ip: { bad: 3 } }"))
      expect((await api(gw, "POST", "/api/reload")).status).toBe(200)
      // Three spam counted before the reload (lean 0.6), the new IP weight: 6 + 0.6 x 3 + 0.6 x 1.
      const after = await send(gw, "127.0.0.2")
      expect(symbolsOf(after)).toMatch(/REPUTATION_IP_BAD/)
      expect(after).toContain("X-Mailmoat-Score: 8.40")
    }
  )
})
