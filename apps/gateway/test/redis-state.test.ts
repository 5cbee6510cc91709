// Scale-out through Redis (issue 3): two gateways configured with `state.backend: redis` share
// temporary-rejection records, so a retry that lands on the other gateway is recognised. Real
// redis-server and rbldnsd on loopback; the RBL zone is not served, so every message is unsure.
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type RedisPeer, startRedis } from "../../../packages/antispam/test/support/redis.ts"
import { type Rbldnsd, startRbldnsd } from "../../../packages/core/test/dns/support/rbldnsd.ts"
import { RedisConnection, RedisQuarantineStore } from "@mailmoat/redis"
import type { RunningGateway } from "../src/index.ts"
import { gateway, sendRaw } from "./support/peers.ts"

describe("two gateways sharing Redis state", () => {
  let redis: RedisPeer
  let rbl: Rbldnsd
  const running: Array<RunningGateway> = []
  beforeAll(async () => {
    redis = await startRedis()
    rbl = await startRbldnsd([{ zone: "bl.test", type: "ip4set", data: "127.0.0.2\n" }])
  })
  afterAll(async () => {
    for (const g of running) await g.close()
    await rbl?.stop()
    await redis?.stop()
  })

  const start = async (state: Record<string, unknown>) => {
    const gw = await gateway({
      state,
      // Only the lists decide here: the content classifier would call this tiny message definite.
      classifier: { enabled: false },
      antispam: {
        rbl: { servers: ["unserved.test"], skip: [], timeoutSeconds: 1 },
        endUserBlocklist: { enabled: false },
        dns: { servers: [rbl.server] },
        // 0.02 minutes: the retry below comes after the period without a long test.
        tempReject: { enabled: true, periodMinutes: 0.02 }
      }
    })
    running.push(gw)
    return gw
  }
  // The client is 127.0.0.1, our own address, so the walk moves to the hop recorded below it.
  const message =
    "Received: from relay.client.test (relay.client.test [192.0.2.7]) by gw.test; Tue, 1 Dec 2026 00:00:00 +0000\r\nSubject: shared state\r\nMessage-ID: <shared-1@client.test>\r\n\r\nsame body\r\n"
  const send = (gw: RunningGateway) => sendRaw(gw.smtp.port, { from: "s@client.test", to: ["u@example.test"] }, message)

  test("the first attempt is deferred on A; the retry after the period is accepted on B", async () => {
    const a = await start({ backend: "redis", url: redis.url })
    const b = await start({ backend: "redis", url: redis.url })
    expect((await send(a)).data).toMatch(/^451 4\.7\.1 /)
    expect((await send(b)).data).toMatch(/^451 4\.7\.1 /)
    await new Promise((r) => setTimeout(r, 1500))
    expect((await send(b)).data).toMatch(/^250 /)
    expect(b.status().modules.antispam).toMatchObject({
      tempReject: { enabled: true, store: expect.stringMatching(/redis/i) }
    })
  })

  test("control: embedded state is not shared, so the other gateway defers the message again", async () => {
    const a = await start({ backend: "embedded" })
    const b = await start({ backend: "embedded" })
    expect((await send(a)).data).toMatch(/^451 4\.7\.1 /)
    await new Promise((r) => setTimeout(r, 1500))
    expect((await send(b)).data).toMatch(/^451 4\.7\.1 /)
  })

  test("quarantined mail goes to the Redis quarantine, where any node (and the CLI) finds it", async () => {
    const gw = await gateway({
      state: { backend: "redis", url: redis.url },
      antispam: { endUserBlocklist: { enabled: false } }
    })
    running.push(gw)
    const gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    const r = await sendRaw(
      gw.smtp.port,
      { from: "s@client.test", to: ["victim@example.test"] },
      `Subject: redis quarantine\r\n\r\n${gtube}\r\n`
    )
    expect(r.data).toMatch(/^250 /)
    const store = RedisQuarantineStore.make(RedisConnection.make({ url: redis.url }))
    try {
      const page = await store.list()
      expect(page.entries.map((e) => e.recipients)).toContainEqual(["victim@example.test"])
      expect(gw.status().quarantine).toMatch(/^redis /)
    } finally {
      await store.close()
    }
  })
})
