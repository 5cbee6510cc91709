// The digest ledger a fleet shares, against a real redis-server, with two clients standing for two
// nodes: what one records the other reads, one run at a time, and a lease a dead holder loses.
import { describe, expect, it } from "vitest"
import { make } from "../src/RedisDigestLedger.ts"
import { client, ready } from "./support/client.ts"
import { twoNodes } from "./support/twoNodes.ts"

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("digest ledger (real redis-server)", () => {
  const nodes = twoNodes()

  it("what one node records the other reads", async () => {
    const onA = make({ client: nodes.a, prefix: "d1:" })
    const onB = make({ client: nodes.b, prefix: "d1:" })
    expect(await onB.read()).toEqual({ sentUpTo: {}, lastRun: undefined })
    await onA.markSent("u@example.test", "2026-03-02T08:01:00.000Z")
    await onA.markSent("v@example.test", "2026-03-02T08:01:00.000Z")
    await onA.markRun("2026-03-02T08:01:00.000Z")
    await onB.markSent("u@example.test", "2026-03-03T08:00:00.000Z")
    expect(await onA.read()).toEqual({
      sentUpTo: { "u@example.test": "2026-03-03T08:00:00.000Z", "v@example.test": "2026-03-02T08:01:00.000Z" },
      lastRun: "2026-03-02T08:01:00.000Z"
    })
    // Another prefix is another fleet.
    expect(await make({ client: nodes.a, prefix: "d2:" }).read()).toEqual({ sentUpTo: {}, lastRun: undefined })
  })

  it("of two runs started at once exactly one runs; the other names the holder; after it, the next may run", async () => {
    const onA = make({ client: nodes.a, prefix: "d3:", holder: "node-a" })
    const onB = make({ client: nodes.b, prefix: "d3:", holder: "node-b" })
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const runs: Array<string> = []
    const first = onA.exclusive(async () => {
      runs.push("a")
      await gate
      return "a done"
    })
    await sleep(50)
    const second = await onB.exclusive(async () => {
      runs.push("b")
      return "b done"
    })
    expect(second).toEqual({ ran: false, holder: "node-a" })
    release()
    expect(await first).toEqual({ ran: true, value: "a done" })
    expect(await nodes.a.exists("d3:digest:lease")).toBe(0)
    expect(await onB.exclusive(async () => "b later")).toEqual({ ran: true, value: "b later" })
    expect(runs).toEqual(["a"])
  })

  it("a run longer than the lease keeps it (renewed); a failed run releases it", async () => {
    const onA = make({ client: nodes.a, prefix: "d4:", holder: "node-a", leaseMillis: 300 })
    const onB = make({ client: nodes.b, prefix: "d4:", holder: "node-b", leaseMillis: 300 })
    const long = onA.exclusive(async () => {
      await sleep(900)
      return 1
    })
    await sleep(600)
    expect(await onB.exclusive(async () => 2)).toEqual({ ran: false, holder: "node-a" })
    expect(await long).toEqual({ ran: true, value: 1 })
    await expect(
      onA.exclusive(async () => {
        throw new Error("delivery blew up")
      })
    ).rejects.toThrow("delivery blew up")
    expect(await onB.exclusive(async () => 3)).toEqual({ ran: true, value: 3 })
  })

  it("a lease whose holder died expires, and a late release does not take the next holder's", async () => {
    const onB = make({ client: nodes.b, prefix: "d5:", holder: "node-b", leaseMillis: 5000 })
    // A holder that died mid-run: its lease is there, nobody renews it.
    await nodes.a.set("d5:digest:lease", JSON.stringify({ holder: "node-a", token: "dead" }), "PX", 200)
    expect(await onB.exclusive(async () => "too early")).toEqual({ ran: false, holder: "node-a" })
    await sleep(300)
    expect(await onB.exclusive(async () => "after expiry")).toEqual({ ran: true, value: "after expiry" })

    // A holder cut off from Redis mid-run: its lease lapses, node-b takes it, and the cut-off
    // node's release once it is back leaves node-b's lease alone.
    const c = client(nodes.redis.url)
    await ready(c)
    const onC = make({ client: c, prefix: "d6:", holder: "node-c", leaseMillis: 300, timeoutMillis: 200 })
    const onB6 = make({ client: nodes.b, prefix: "d6:", holder: "node-b", leaseMillis: 5000 })
    let resume: () => void = () => {}
    const resumed = new Promise<void>((r) => {
      resume = r
    })
    const cut = onC.exclusive(async () => {
      c.disconnect()
      await resumed
      await c.connect()
      await ready(c)
      return "c done"
    })
    await sleep(600)
    let bHeld = ""
    const bRun = onB6.exclusive(async () => {
      resume()
      expect(await cut).toEqual({ ran: true, value: "c done" })
      bHeld = JSON.parse((await nodes.b.get("d6:digest:lease")) ?? "{}").holder
      return "b done"
    })
    expect(await bRun).toEqual({ ran: true, value: "b done" })
    expect(bHeld).toBe("node-b")
    c.disconnect()
  })
})
