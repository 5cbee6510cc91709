// The QuarantineStore contract against a real redis-server, plus Redis specifics: entries
// written by one client are released by another (any node), and an unreachable Redis is
// reported as a temporary error, never a hang.
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { quarantineContract } from "../../core/test/quarantine/support/contract.ts"
import { RedisConnection, RedisQuarantineStore } from "../src/index.ts"
import { freeTcpPort, type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"

let redis: RedisPeer
let n = 0
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

const on = (keyPrefix: string, url = redis.url) => RedisQuarantineStore.make(RedisConnection.make({ url, keyPrefix }))

quarantineContract(
  "redis",
  async () => on(`t${++n}:`),
  (of) => on(/\(prefix (.*)\)$/.exec(of.describe)![1]!)
)

describe("RedisQuarantineStore", () => {
  test("an entry stored by one node is read and removed by another", async () => {
    const a = on("shared:")
    const b = on("shared:")
    try {
      const id = await a.put({
        envelope: {
          clientAddress: "192.0.2.1",
          helo: "h",
          mailFrom: "s@x.test",
          rcptTo: ["u@y.test"],
          tls: false,
          sessionFlags: [],
          receivedAt: 1
        },
        reason: "r",
        message: new TextEncoder().encode("Subject: x\r\n\r\nb\r\n")
      })
      expect((await b.list()).entries.map((e) => e.id)).toContain(id)
      await b.remove(id)
      await expect(a.get(id)).rejects.toMatchObject({ reason: "NotFound" })
    } finally {
      await a.close()
      await b.close()
    }
  })

  test("an unreachable Redis is a temporary Unavailable error", async () => {
    const port = await freeTcpPort()
    const store = RedisQuarantineStore.make(
      RedisConnection.make({ url: `redis://127.0.0.1:${port}`, connectTimeoutMillis: 300, commandTimeoutMillis: 300 })
    )
    try {
      const error = await store.list().catch((e: unknown) => e)
      expect(error).toMatchObject({ reason: "Unavailable", isTemporary: true })
    } finally {
      await store.close()
    }
  })
})
