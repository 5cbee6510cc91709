// Every store of this package against every topology an operator runs (real redis-server
// processes on loopback): standalone, ACL user, TLS with client certificates, a 3-master Cluster
// and Sentinel. The quarantine runs its whole contract on each; the others their basic behaviour,
// with two connections standing in for two gateways.
import { Envelope, Quarantine } from "@mailmoat/core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { quarantineContract } from "../../core/test/quarantine/support/contract.ts"
import {
  RedisConnection,
  RedisKeys,
  RedisQuarantineStore,
  RedisTempRejectStore,
  RedisTokenStore
} from "../src/index.ts"
import { redisCli } from "./support/RedisProcess.ts"
import { type Topology, topologies } from "./support/RedisTopologies.ts"

const envelope = Envelope.make({
  clientAddress: "192.0.2.1",
  helo: "h.test",
  mailFrom: "s@x.test",
  rcptTo: ["u@y.test"]
})
const message = (n: number) => new TextEncoder().encode(`Subject: m${n}\r\n\r\nbody ${n}\r\n`)

for (const start of Object.values(topologies)) {
  describe(`${start.name} topology`, () => {
    let topology: Topology
    let n = 0
    const open = (keyPrefix: string) => RedisConnection.make({ ...topology.options, keyPrefix })
    beforeAll(async () => {
      topology = await start()
    }, 60_000)
    afterAll(async () => {
      await topology?.stop()
    })

    test("temporary-rejection records and sets are shared between two connections", async () => {
      const a = RedisTempRejectStore.make(open("tr:"))
      const b = RedisTempRejectStore.make(open("tr:"))
      try {
        // Several keys, so on the Cluster they land on different shards.
        for (let i = 0; i < 20; i++) await a.set(`k${i}`, `v${i}`, 60)
        for (let i = 0; i < 20; i++) expect(await b.get(`k${i}`)).toBe(`v${i}`)
        expect(await a.addToSet("fp", "r1", 60)).toBe(1)
        expect(await b.addToSet("fp", "r2", 60)).toBe(2)
        await b.delete("k0")
        expect(await a.get("k0")).toBeUndefined()
      } finally {
        await a.close()
        await b.close()
      }
    })

    test("learned counts are shared and learning is atomic (one MULTI in one hash slot)", async () => {
      const a = RedisTokenStore.make(open("tok:"))
      const b = RedisTokenStore.make(open("tok:"))
      try {
        await Promise.all([a.add(["x", "y"], "spam", 1), b.add(["x"], "ham", 1), a.add(["x"], "spam", 1)])
        const seen = await b.lookup(["x", "y", "z"])
        expect([seen.nham, seen.nspam]).toEqual([1, 2])
        expect(seen.counts.get("x")).toEqual([1, 2])
        expect(seen.counts.get("y")).toEqual([0, 1])
      } finally {
        await a.close()
        await b.close()
      }
    })

    quarantineContract(
      `redis ${start.name}`,
      async () => RedisQuarantineStore.make(open(`q${++n}:`)),
      (of) => RedisQuarantineStore.make(open(/\(prefix (.*)\)$/.exec(of.describe)![1]!))
    )

    test("a release started on one node is completed once, whichever node asks", async () => {
      const a = RedisQuarantineStore.make(open("rel:"))
      const b = RedisQuarantineStore.make(open("rel:"))
      try {
        const id = await a.put({ envelope, reason: "spam", message: message(1) })
        const claims = await Promise.allSettled([a.claim(id), b.claim(id)])
        expect(claims.filter((c) => c.status === "fulfilled")).toHaveLength(1)
        const held = claims.find((c) => c.status === "fulfilled")!.value
        await held.complete()
        await expect(b.claim(id)).rejects.toMatchObject({ reason: "Released" })
        await expect(a.get(id)).rejects.toMatchObject({ reason: "NotFound" })
      } finally {
        await a.close()
        await b.close()
      }
    })

    test("describe shows where, never a password", () => {
      const c = open("d:")
      try {
        expect(c.describe).toMatch(/^redis /)
        if (topology.options.password !== undefined) expect(c.describe).not.toContain(topology.options.password)
      } finally {
        void c.close()
      }
    })
  })
}

describe("what only some topologies can show", () => {
  test("Cluster: single-key data spreads over the shards, a tagged group stays on one", async () => {
    const t = await topologies.cluster()
    const c = RedisConnection.make({ ...t.options, keyPrefix: "spread:" })
    const store = RedisTempRejectStore.make(c)
    const quarantine = RedisQuarantineStore.make(RedisConnection.make({ ...t.options, keyPrefix: "spread:" }))
    try {
      for (let i = 0; i < 30; i++) await store.set(`key${i}`, "1", 60)
      for (let i = 0; i < 5; i++) await quarantine.put({ envelope, reason: "spam", message: message(i) })
      const perNode = t.processes.map((p) =>
        redisCli(p.port, ["--scan", "--pattern", "*"])
          .split("\n")
          .filter((k) => k !== "")
      )
      expect(perNode.filter((keys) => keys.some((k) => k.startsWith("spread:tempreject:"))).length).toBeGreaterThan(1)
      const stem = RedisKeys.tagged("spread:", "quarantine")
      expect(perNode.filter((keys) => keys.some((k) => k.startsWith(stem)))).toHaveLength(1)
    } finally {
      await store.close()
      await quarantine.close()
      await t.stop()
    }
  }, 60_000)

  test("ACL: a wrong password is Unavailable and the message does not show it", async () => {
    const t = await topologies.acl()
    const store = RedisTempRejectStore.make(
      RedisConnection.make({
        ...t.options,
        password: "wrong-password-1",
        connectTimeoutMillis: 500,
        commandTimeoutMillis: 500
      })
    )
    try {
      const error = (await store.get("k").catch((e: unknown) => e)) as Error
      expect(error).toBeInstanceOf(RedisConnection.RedisUnavailable)
      expect(error.message).not.toContain("wrong-password-1")
    } finally {
      await store.close()
      await t.stop()
    }
  }, 30_000)

  test("TLS: a server certificate from another CA is refused", async () => {
    const t = await topologies.tls()
    const store = RedisTempRejectStore.make(
      RedisConnection.make({
        ...t.options,
        tls: { ...t.options.tls, ca: undefined },
        connectTimeoutMillis: 500,
        commandTimeoutMillis: 500
      })
    )
    try {
      await expect(store.get("k")).rejects.toBeInstanceOf(RedisConnection.RedisUnavailable)
    } finally {
      await store.close()
      await t.stop()
    }
  }, 30_000)

  test("Sentinel: a failover during load loses no acknowledged quarantine put, and writes resume on the new master", async () => {
    const t = await topologies.sentinel()
    const options = { ...t.options, keyPrefix: "fo:", commandTimeoutMillis: 800 }
    const store = RedisQuarantineStore.make(RedisConnection.make(options), { waitReplicas: 1 })
    const acknowledged: Array<string> = []
    const failures: Array<unknown> = []
    let running = true
    const load = (async () => {
      for (let i = 0; running; i++) {
        // A failure can come back without touching the event loop: yield, or the timers starve.
        await new Promise((r) => setTimeout(r, 5))
        await store.put({ envelope, reason: "spam", message: message(i) }).then(
          (id) => acknowledged.push(id),
          (e: unknown) => failures.push(e)
        )
      }
    })()
    try {
      await new Promise((r) => setTimeout(r, 300))
      const before = t.masterPort()
      await t.failover()
      expect(t.masterPort()).not.toBe(before)
      const afterFailover = acknowledged.length
      // Recovered by itself: puts succeed again against the new master.
      for (let i = 0; i < 100 && acknowledged.length < afterFailover + 5; i++)
        await new Promise((r) => setTimeout(r, 100))
      running = false
      await load
      expect(acknowledged.length).toBeGreaterThanOrEqual(afterFailover + 5)
      for (const e of failures) expect(e).toMatchObject({ reason: "Unavailable", isTemporary: true })
      // A fresh connection (another node) finds every acknowledged entry on the new master.
      const reader = RedisQuarantineStore.make(RedisConnection.make(options))
      try {
        const all = await reader.list({ limit: acknowledged.length + failures.length + 10 })
        const ids = new Set(all.entries.map((e) => e.id))
        expect(acknowledged.filter((id) => !ids.has(id))).toEqual([])
        expect(Quarantine.isValidId(acknowledged[0]!)).toBe(true)
      } finally {
        await reader.close()
      }
    } finally {
      running = false
      await load
      await store.close()
      await t.stop()
    }
  }, 90_000)
})
