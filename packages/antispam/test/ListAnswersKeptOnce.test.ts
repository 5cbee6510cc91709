// A list lookup's answer is kept once: the stages' runner keeps it (its answer cache answers the
// name before the DNS layer is asked again), so the DNS cache in front of a resolver answered by
// callback does not keep the same name's A answer as well. The sender check's answers are kept
// by the DNS cache as before.
import { Dns, type DnsShape } from "@mailmoat/core"
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import { makeServerAntispam } from "../src/index.ts"
import { bulkMessage } from "./auth/support/bulkMessage.ts"
import { RECORDS, zoneOf } from "./auth/support/world.ts"

const timeless = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (k, v) => (k === "millis" || k === "cached" ? undefined : v)))

describe("list answers kept once", () => {
  test("the DNS cache keeps no list name's answer; the runner answers it again; outcomes the same", async () => {
    const zone = Dns.makeStatic(zoneOf(RECORDS))
    const asked: Array<string> = []
    // The static zones by callback, one event-loop turn later, as Node's resolver answers.
    const inner: DnsShape = {
      ...zone,
      query: (type, name, timeoutMillis, _now, answered) => {
        asked.push(`${type} ${name}`)
        const fiber = Effect.runFork(Dns.lookup(zone, type, name, { timeoutMillis }))
        fiber.addObserver((exit) => setImmediate(() => answered(exit)))
        return () => fiber.interruptUnsafe()
      }
    }
    const memory = Dns.makeMemoryStore()
    const written: Array<string> = []
    const store: Dns.DnsCacheStore = {
      ...memory,
      put: (key, entry) => {
        written.push(key)
        memory.put!(key, entry)
      }
    }
    const module = makeServerAntispam(
      { rbl: { servers: ["bl.test"] }, dnsbl: { servers: ["dbl.test"] } },
      { dns: Dns.withCache(inner, { store }), healthIntervalMillis: 0, authservId: "gw.test" }
    )
    try {
      const first = await Effect.runPromise(module.evaluate(bulkMessage()))
      const listNames = asked.filter((q) => /^A .*\.d?bl\.test$/.test(q))
      expect(listNames.length).toBeGreaterThanOrEqual(2)
      // The sender check's questions are kept; the lists' are not.
      expect(written.some((k) => k.startsWith("TXT "))).toBe(true)
      expect(written.filter((k) => /\.d?bl\.test$/.test(k))).toEqual([])
      // The runner's own cache answers the lists next time: nothing is asked again.
      const count = asked.length
      const again = await Effect.runPromise(module.evaluate(bulkMessage()))
      expect(asked.length).toBe(count)
      expect(timeless(again)).toEqual(timeless(first))
    } finally {
      await module.close()
    }
  })
})
