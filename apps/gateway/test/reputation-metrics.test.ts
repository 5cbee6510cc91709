// The reputation metrics: the message path's store calls counted through the wrapped store
// (lookups, updates, failures by operation and reason), symbols from the stage's trace, resets,
// and the embedded key count read when scraped (none with Redis, the primary's for a worker).
import { Reputation } from "@mailmoat/antispam"
import type { Verdict } from "@mailmoat/core"
import { describe, expect, it } from "vitest"
import { makePromMetrics } from "../src/metrics/PromMetrics.ts"
import { errorReason, reputationKeyCount } from "../src/metrics/ReputationMetrics.ts"

const window = { bucket: 100, keep: 20, bucketSeconds: 3600 }
const series = (text: string, name: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith(name))
    .sort()

describe("reputation metrics", () => {
  it("count lookups, updates and their failures by reason; the store answers as before", async () => {
    const m = makePromMetrics()
    const memory = Reputation.MemoryReputationStore.make(10)
    const store = m.reputation.counted(memory)
    await store.record(["ip:192.0.2.7"], "spam", window)
    expect(await store.lookup(["ip:192.0.2.7"], window)).toEqual([[[100, 0, 1]]])
    expect(store.describe).toBe(memory.describe)
    let fail = "redis redis://127.0.0.1:6379 (prefix mailmoat:): reading reputation: not connected (reconnecting)"
    const failing = m.reputation.counted({
      ...memory,
      lookup: () => Promise.reject(new Error(fail)),
      record: () => Promise.reject(new Error(fail))
    })
    await expect(failing.lookup(["ip:192.0.2.7"], window)).rejects.toThrow(fail)
    fail = "the primary process did not answer reputation.record within 2000 ms"
    await expect(failing.record(["ip:192.0.2.7"], "ham", window)).rejects.toThrow(fail)
    // Admin calls (forget, list) are not the message path's.
    await store.forget(["ip:192.0.2.7"], window)
    const text = await m.text()
    expect(series(text, "mailmoat_reputation_lookups_total ")).toEqual(["mailmoat_reputation_lookups_total 2"])
    expect(series(text, "mailmoat_reputation_updates_total ")).toEqual(["mailmoat_reputation_updates_total 2"])
    expect(series(text, "mailmoat_reputation_store_errors_total{")).toEqual([
      'mailmoat_reputation_store_errors_total{operation="lookup",reason="unreachable"} 1',
      'mailmoat_reputation_store_errors_total{operation="update",reason="timeout"} 1'
    ])
  })

  it("a failure's reason: timeout, unreachable or error", () => {
    expect(errorReason(new Error("redis …: counting reputation: Command timed out"))).toBe("timeout")
    expect(errorReason(new Error("the primary process did not answer reputation.lookup within 2000 ms"))).toBe(
      "timeout"
    )
    expect(errorReason(new Error("redis …: reading reputation: the connection is closed"))).toBe("unreachable")
    expect(errorReason(new Error("connect ECONNREFUSED 127.0.0.1:1"))).toBe("unreachable")
    expect(errorReason(new Error("WRONGTYPE Operation against a key holding the wrong kind of value"))).toBe("error")
    expect(errorReason("odd")).toBe("error")
  })

  it("symbols from the reputation stage's trace, by name; resets by kind", async () => {
    const m = makePromMetrics()
    const verdict = (names: ReadonlyArray<string>): Verdict => ({
      class: "spam",
      score: 6,
      symbols: [],
      trace: [
        {
          stage: "reputation",
          phase: "data",
          outcome: "ok",
          millis: 1,
          symbols: names.map((name) => ({ name, score: 1, source: "reputation" }))
        },
        { stage: "rbl", phase: "data", outcome: "ok", millis: 1, symbols: [{ name: "RBL_X", score: 3, source: "rbl" }] }
      ]
    })
    m.trace(verdict(["REPUTATION_IP_BAD", "REPUTATION_NET_BAD"]))
    m.trace(verdict(["REPUTATION_NET_BAD"]))
    m.reputation.reset("ip")
    m.reputation.reset("network")
    m.reputation.reset("ip")
    const text = await m.text()
    expect(series(text, "mailmoat_reputation_symbols_total{")).toEqual([
      'mailmoat_reputation_symbols_total{symbol="REPUTATION_IP_BAD"} 1',
      'mailmoat_reputation_symbols_total{symbol="REPUTATION_NET_BAD"} 2'
    ])
    expect(series(text, "mailmoat_reputation_resets_total{")).toEqual([
      'mailmoat_reputation_resets_total{kind="ip"} 2',
      'mailmoat_reputation_resets_total{kind="network"} 1'
    ])
  })

  it("keys: the embedded memory's, read at each scrape; none when off or with Redis", async () => {
    const m = makePromMetrics()
    const on = { antispam: { reputation: { enabled: true } }, state: { backend: "embedded" } } as unknown as Parameters<
      typeof reputationKeyCount
    >[0]
    let held = 3
    m.reputation.keys = () => reputationKeyCount(on, { reputationSize: () => held })
    expect(series(await m.text(), "mailmoat_reputation_keys{")).toEqual(['mailmoat_reputation_keys{store="memory"} 3'])
    held = 1
    expect(series(await m.text(), "mailmoat_reputation_keys{")).toEqual(['mailmoat_reputation_keys{store="memory"} 1'])
    const redis = { ...on, state: { backend: "redis" } } as typeof on
    expect(await reputationKeyCount(redis, { reputationSize: () => 3 })).toBeUndefined()
    const off = { ...on, antispam: { reputation: { enabled: false } } } as typeof on
    m.reputation.keys = () => reputationKeyCount(off, { reputationSize: () => 3 })
    expect(series(await m.text(), "mailmoat_reputation_keys{")).toEqual([])
  })
})
