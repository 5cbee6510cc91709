// Chaos: two BUILT gateways (child processes, state.backend: redis) take mail from an MTA-like
// sender while Redis is stopped (SIGKILL, then restarted from its append-only file), paused
// (SIGSTOP: connections stay up, nothing answers) and failed over by Sentinel. For each fault the
// test reports messages accepted, delivered, quarantined, deferred and lost, and fails unless:
// nothing accepted is lost, no ham is quarantined or delivered as spam, and every deferred
// message is accepted once Redis is back (the gateways recover by themselves).
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { RedisConnection, RedisQuarantineStore } from "@mailmoat/redis"
import { startRedisProcess } from "../../../packages/redis/test/support/RedisProcess.ts"
import { sentinel } from "../../../packages/redis/test/support/RedisTopologies.ts"
import { type ChildGateway, delivered, type Kind, makeSender, startChildGateway, type Tally } from "./support/chaos.ts"

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
// Phase lengths are multiplied by REDIS_CHAOS_SCALE (bench/redis-chaos.mjs runs a longer soak).
const SCALE = Math.max(1, Number(process.env.REDIS_CHAOS_SCALE ?? 1) || 1)
const hold = (ms: number) => sleep(ms * SCALE)
const budget = 120_000 * SCALE

let rbl: Rbldnsd
const gateways: Array<ChildGateway> = []
beforeAll(async () => {
  // Every DNS question goes to this loopback server; 127.0.0.1 is not listed, so lists say clean.
  rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
})
afterAll(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.stop()))
  await rbl?.stop()
})

const configFor = (state: Record<string, unknown>) => ({
  state: { backend: "redis", ...state },
  antispam: {
    rbl: { servers: ["bl.test"], skip: [], timeoutSeconds: 1 },
    dns: { servers: [rbl.server] },
    auth: { enabled: false },
    endUserBlocklist: { enabled: false },
    // A message the checks are unsure about is deferred once; the retry (on either node) passes.
    tempReject: { enabled: true, periodMinutes: 0.01 }
  }
})

/** Two gateways on one Redis, and a sender spreading mail over both (the fleet under test). */
const startFleet = async (names: readonly [string, string], state: Record<string, unknown>) => {
  for (const name of names) gateways.push(await startChildGateway(name, configFor(state)))
  return makeSender(
    gateways.slice(-2).map((g) => g.port),
    { concurrency: 4, retryMillis: 700 }
  )
}

interface Row extends Tally {
  readonly phase: string
  delivered: number
  quarantined: number
  lost: number
}

/** Where every accepted message went, per phase; throws on what must never happen. */
const account = async (sender: ReturnType<typeof makeSender>, connection: RedisConnection.RedisConnectionOptions) => {
  const inMaildirs = delivered(gateways.map((g) => g.maildir))
  const store = RedisQuarantineStore.make(RedisConnection.make(connection))
  let quarantined: Set<string>
  try {
    const page = await store.list({ limit: 100_000 })
    quarantined = new Set(page.entries.map((e) => /chaos (\S+)/.exec(e.subject ?? "")?.[1] ?? ""))
  } finally {
    await store.close()
  }
  const rows = new Map<string, Row>()
  for (const [phase, t] of sender.tallies) rows.set(phase, { phase, ...t, delivered: 0, quarantined: 0, lost: 0 })
  const wrong: Array<string> = []
  for (const [id, { phase, kind }] of sender.acceptedIn) {
    const row = rows.get(phase)!
    const verdicts = inMaildirs.get(id) ?? []
    if (verdicts.length > 0) row.delivered++
    else if (quarantined.has(id)) row.quarantined++
    else row.lost++
    if (kind === ("ham" satisfies Kind) && quarantined.has(id)) wrong.push(`${id} (ham) was quarantined`)
    if (verdicts.includes("spam") && kind === "ham") wrong.push(`${id} (ham) was delivered as spam`)
  }
  return { rows: [...rows.values()], wrong }
}

const report = (title: string, rows: ReadonlyArray<Row>) => {
  const lines = rows.map(
    (r) =>
      `  ${r.phase.padEnd(16)} accepted ${String(r.accepted).padStart(4)}  delivered ${String(r.delivered).padStart(4)}  quarantined ${String(r.quarantined).padStart(3)}  deferred ${String(r.deferred).padStart(4)}  lost ${r.lost}  (slowest reply ${r.slowestMillis} ms)`
  )
  console.log(`${title}\n${lines.join("\n")}`)
}

const check = (result: Awaited<ReturnType<typeof account>>, left: number) => {
  expect(result.wrong).toEqual([])
  expect(result.rows.filter((r) => r.lost > 0)).toEqual([])
  expect(result.rows.reduce((n, r) => n + r.rejected, 0)).toBe(0)
  // Recovered by themselves: every deferred message got in once Redis was back.
  expect(left).toBe(0)
}

describe("two gateways sharing one Redis, under faults", () => {
  test(
    "standalone Redis stopped (SIGKILL, restart from AOF) and paused (SIGSTOP)",
    async () => {
      const redis = await startRedisProcess(["appendonly yes", "appendfsync always"])
      const connection = {
        url: `redis://127.0.0.1:${redis.port}`,
        commandTimeoutMillis: 500,
        connectTimeoutMillis: 1000
      }
      try {
        const state = { url: connection.url, redis: { commandTimeoutMillis: 500, connectTimeoutMillis: 1000 } }
        const sender = await startFleet(["gw1", "gw2"], state)
        await hold(3000)
        sender.setPhase("redis stopped")
        await redis.kill()
        await hold(5000)
        await redis.restart()
        sender.setPhase("after restart")
        await hold(4000)
        sender.setPhase("redis paused")
        redis.pause()
        await hold(5000)
        redis.resume()
        sender.setPhase("after resume")
        await hold(4000)
        sender.setPhase("drain")
        const left = await sender.drain(20_000)
        const result = await account(sender, connection)
        report("chaos: standalone Redis", result.rows)
        check(result, left)
        // The faults were felt: something was deferred or failed open while Redis was away.
        const during = result.rows.filter((r) => r.phase === "redis stopped" || r.phase === "redis paused")
        expect(during.every((r) => r.accepted + r.deferred > 0)).toBe(true)
        // And each gateway said so in its log: lost, rebuilt when hung, restored.
        for (const g of gateways)
          for (const event of ["redis_lost", "redis_hung", "redis_restored"]) expect(g.output()).toContain(event)
      } finally {
        await Promise.all(gateways.splice(0).map((g) => g.stop()))
        await redis.stop()
      }
    },
    budget
  )

  test(
    "Sentinel failover during load (quarantine puts wait for the replica)",
    async () => {
      const t = await sentinel()
      const s = t.options.sentinel!
      const connection = { ...t.options, commandTimeoutMillis: 500, connectTimeoutMillis: 1000 }
      try {
        const state = {
          redis: {
            sentinel: { masterName: s.masterName, nodes: s.nodes.map((n) => `${n.host}:${n.port}`) },
            waitReplicas: 1,
            commandTimeoutMillis: 500
          }
        }
        const sender = await startFleet(["gw3", "gw4"], state)
        await hold(3000)
        sender.setPhase("failing over")
        await t.failover()
        sender.setPhase("after failover")
        await hold(4000)
        sender.setPhase("drain")
        const left = await sender.drain(20_000)
        const result = await account(sender, connection)
        report("chaos: Sentinel failover", result.rows)
        check(result, left)
        expect(result.rows.find((r) => r.phase === "after failover")?.accepted ?? 0).toBeGreaterThan(0)
      } finally {
        await Promise.all(gateways.splice(0).map((g) => g.stop()))
        await t.stop()
      }
    },
    budget
  )
})
