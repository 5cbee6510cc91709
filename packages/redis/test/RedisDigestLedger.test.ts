// The digest ledger a fleet shares, against a real redis-server, with two clients standing for two
// nodes: what one records the other reads, one run at a time, and a lease a dead holder loses.
import { describe, expect, it } from "vitest"
import { make } from "../src/RedisDigestLedger.ts"
import { client, eventually, ready } from "./support/client.ts"
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
    // Node A holds the lease once its run started (a pause instead let B ask first under load).
    await eventually(() => runs.includes("a"), 30_000)
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
    // Renewed every third of the lease: it outlives a stall of this process or of Redis shorter
    // than two thirds of it (a 300 ms lease lapses in a 200 ms stall, common on a loaded machine).
    const leaseMillis = 1500
    const onA = make({ client: nodes.a, prefix: "d4:", holder: "node-a", leaseMillis })
    const onB = make({ client: nodes.b, prefix: "d4:", holder: "node-b", leaseMillis })
    let started = 0
    let finish: () => void = () => {}
    const finished = new Promise<void>((r) => {
      finish = r
    })
    const long = onA.exclusive(async () => {
      started = Date.now()
      await finished
      return 1
    })
    await eventually(() => started > 0, 30_000)
    // B asks once A's run has lasted longer than its first lease.
    await sleep(leaseMillis + 300 - (Date.now() - started))
    expect(await onB.exclusive(async () => 2)).toEqual({ ran: false, holder: "node-a" })
    finish()
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
    // A holder that died mid-run: its lease is there, nobody renews it. Long enough that B's first
    // ask comes before it ends (a 200 ms lease could end first on a loaded machine).
    await nodes.a.set("d5:digest:lease", JSON.stringify({ holder: "node-a", token: "dead" }), "PX", 1500)
    expect(await onB.exclusive(async () => "too early")).toEqual({ ran: false, holder: "node-a" })
    await eventually(async () => (await nodes.a.exists("d5:digest:lease")) === 0, 30_000)
    expect(await onB.exclusive(async () => "after expiry")).toEqual({ ran: true, value: "after expiry" })

    // A holder cut off from Redis mid-run: its lease lapses, node-b takes it, and the cut-off
    // node's release once it is back leaves node-b's lease alone.
    const c = client(nodes.redis.url)
    await ready(c)
    const onC = make({ client: c, prefix: "d6:", holder: "node-c", leaseMillis: 300 })
    const onB6 = make({ client: nodes.b, prefix: "d6:", holder: "node-b", leaseMillis: 5000 })
    let resume: () => void = () => {}
    const resumed = new Promise<void>((r) => {
      resume = r
    })
    let cutOff = false
    const cut = onC.exclusive(async () => {
      c.disconnect()
      cutOff = true
      await resumed
      await c.connect()
      await ready(c)
      return "c done"
    })
    // Node C holds the lease and is cut off; nobody renews it, so it lapses.
    await eventually(() => cutOff, 30_000)
    await eventually(async () => (await nodes.b.exists("d6:digest:lease")) === 0, 30_000)
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
