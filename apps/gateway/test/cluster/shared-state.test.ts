// The multi-process mode's shared embedded state: workers reach the primary's stores over IPC
// (here two in-process channels standing in for the cluster's), so a temporary-rejection record
// or a learned message written through one worker is seen through the other.
import { EventEmitter } from "node:events"
import { describe, expect, test, vi } from "vitest"
import { connectStores, type HostedWorker, makeStateHost, type WorkerPort } from "../../src/cluster/SharedState.ts"

/** One worker's channel: what the worker sends reaches the host's listeners and vice versa. */
const channel = () => {
  const toHost = new EventEmitter()
  const toWorker = new EventEmitter()
  let sent = 0
  const worker: HostedWorker = {
    send: (m) => queueMicrotask(() => toWorker.emit("message", m)),
    isConnected: () => true,
    on: (event, listener) => (event === "message" ? toHost.on("message", listener) : toHost.on("exit", listener))
  }
  const port: WorkerPort = {
    send: (m) => {
      sent++
      queueMicrotask(() => toHost.emit("message", m))
    },
    onMessage: (listener) => void toWorker.on("message", listener)
  }
  return { worker, port, sent: () => sent }
}

/** A primary with two workers attached: the host, their channels and their stores. */
const twoWorkers = () => {
  const host = makeStateHost()
  const [a, b] = [channel(), channel()]
  host.attach(a.worker)
  host.attach(b.worker)
  return { host, a, b, storesA: connectStores(a.port), storesB: connectStores(b.port) }
}

describe("shared state over the cluster channel", () => {
  test("a temporary-rejection record written through one worker is read through another", async () => {
    const { storesA, storesB } = twoWorkers()
    const [sa, sb] = [storesA.tempReject, storesB.tempReject]
    await sa.set("k", "first attempt", 60)
    expect(await sb.get("k")).toBe("first attempt")
    expect(await sa.addToSet("s", "x", 60)).toBe(1)
    expect(await sb.addToSet("s", "y", 60)).toBe(2)
    await sb.delete("k")
    expect(await sa.get("k")).toBeUndefined()
  })

  test("reputation counted through one worker is read through another (the primary's memory)", async () => {
    const { storesA, storesB } = twoWorkers()
    const window = { bucket: 100, keep: 20, bucketSeconds: 3600 }
    await storesA.reputation.record(["ip:192.0.2.7", "net:192.0.2.0/24"], "spam", window)
    await storesB.reputation.record(["ip:192.0.2.7"], "spam", window)
    await storesB.reputation.record(["ip:192.0.2.7"], "ham", window)
    expect(await storesB.reputation.lookup(["ip:192.0.2.7", "net:192.0.2.0/24", "ip:192.0.2.8"], window)).toEqual([
      [[100, 1, 2]],
      [[100, 0, 1]],
      []
    ])
    // An admin's reset through worker B deletes what A counted, for both.
    expect(await storesB.reputation.forget(["ip:192.0.2.7", "ip:192.0.2.8"], window)).toBe(1)
    expect(await storesA.reputation.lookup(["ip:192.0.2.7", "net:192.0.2.0/24"], window)).toEqual([[], [[100, 0, 1]]])
  })

  test("an admin's listing and the key count through a worker are the primary's memory", async () => {
    const { storesA, storesB } = twoWorkers()
    const window = { bucket: 100, keep: 20, bucketSeconds: 3600 }
    await storesA.reputation.record(["ip:192.0.2.7", "net:192.0.2.0/24", "domain:example.net"], "spam", window)
    await storesA.reputation.record(["ip:192.0.2.8"], "ham", window)
    expect(await storesB.reputation.size()).toBe(4)
    const page = await storesB.reputation.list({ prefix: "ip:", sample: 1 }, window)
    expect(page).toEqual({ keys: [{ key: "ip:192.0.2.7", buckets: [[100, 0, 1]] }], next: "1" })
    const rest = await storesB.reputation.list({ prefix: "ip:", sample: 10, cursor: page.next }, window)
    expect(rest).toEqual({ keys: [{ key: "ip:192.0.2.8", buckets: [[100, 1, 0]] }] })
  })

  test("auto-learning's hourly slots are the primary's: two workers take at most the cap between them", async () => {
    const { storesA, storesB } = twoWorkers()
    const [ta, tb] = [storesA.tokens, storesB.tokens]
    const hour = 493_000
    const taken = []
    for (const t of [ta, tb, ta, tb]) taken.push(await t.takeLearnSlot!("ham", hour, 2))
    expect(taken).toEqual([true, true, false, false])
    expect(await tb.takeLearnSlot!("spam", hour, 2)).toBe(true)
    expect(await ta.takeLearnSlot!("ham", hour + 1, 2)).toBe(true)
  })

  test("learned counts: no IPC per message until something is learned, then every worker sees them", async () => {
    const { host, b, storesA, storesB } = twoWorkers()
    const [ta, tb] = [storesA.tokens, storesB.tokens]
    expect(await tb.lookup(["hello"])).toEqual({ nham: 0, nspam: 0, counts: new Map() })
    expect(tb.learnedNothing?.()).toBe(true)
    expect(b.sent()).toBe(0)
    await ta.add(["hello", "world"], "spam", 1)
    await vi.waitFor(async () => expect((await tb.lookup(["hello", "other"])).nspam).toBe(1))
    // Told that something is learned, the worker no longer lets the classifier skip its lookup.
    expect(tb.learnedNothing?.()).toBe(false)
    const seen = await tb.lookup(["hello", "other"])
    expect([...seen.counts]).toEqual([["hello", [0, 1]]])
    // A worker attached later (a replacement) is told at once.
    const c = channel()
    host.attach(c.worker)
    const tc = connectStores(c.port).tokens
    await vi.waitFor(async () => expect((await tc.lookup(["world"])).counts.get("world")).toEqual([0, 1]))
  })

  test("a primary that does not answer fails the call (fail fast, never hang)", async () => {
    vi.useFakeTimers()
    try {
      const silent: WorkerPort = { send: () => undefined, onMessage: () => undefined }
      const pending = connectStores(silent).tempReject.get("k")
      const outcome = expect(pending).rejects.toThrow(/did not answer tempReject\.get/)
      await vi.advanceTimersByTimeAsync(5000)
      await outcome
    } finally {
      vi.useRealTimers()
    }
  })
})
