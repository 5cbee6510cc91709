// Lists and the recipient directory in Redis against a real redis-server: an edit on one node
// reaches the other at once (pub/sub), a missed message is caught up on reconnection, and a
// Redis failure keeps the last local copy.
import { ListStore, RecipientDirectory } from "@mailmoat/antispam"
import { State } from "@mailmoat/core"
import { Effect } from "effect"
import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"
import { make as makeDocuments, type RedisListDocuments } from "../src/RedisListDocuments.ts"
import { client, eventually, ready } from "./support/client.ts"

describe("lists in Redis with change messages (real redis-server)", () => {
  let redis: RedisPeer
  const clients: Array<Redis> = []
  const stores: Array<RedisListDocuments> = []
  const node = async (prefix: string, url = redis.url, timeoutMillis = 1000) => {
    const c = client(url, timeoutMillis)
    clients.push(c)
    await ready(c)
    const logged: Array<string> = []
    const docs = makeDocuments({
      client: c,
      prefix,
      names: ["enduser", "directory"],
      timeoutMillis,
      log: (l) => logged.push(l)
    })
    stores.push(docs)
    await docs.ready
    return { docs, lists: ListStore.make(docs), client: c, logged }
  }
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    for (const s of stores) await s.close()
    for (const c of clients) c.disconnect()
    await redis?.stop()
  })

  it("an import on node A is in force on node B at once", async () => {
    const a = await node("l1:")
    const b = await node("l1:")
    expect(b.lists.entries("enduser")).toEqual([])
    a.lists.importList("enduser", "spammer@bad.example\n203.0.113.0/24\n")
    expect(a.lists.entries("enduser")).toEqual(["spammer@bad.example", "203.0.113.0/24"])
    await a.lists.settled()
    await eventually(() => b.lists.entries("enduser").length === 2, 2000)
    expect(b.lists.exportList("enduser")).toBe(a.lists.exportList("enduser"))
    // A node started later loads it before it is ready, even on a client still connecting.
    const fresh = client(redis.url)
    clients.push(fresh)
    expect(fresh.status).not.toBe("ready")
    const late = makeDocuments({ client: fresh, prefix: "l1:", names: ["enduser"] })
    stores.push(late)
    await late.ready
    expect(ListStore.make(late).entries("enduser")).toEqual(["spammer@bad.example", "203.0.113.0/24"])
  })

  it("the recipient directory (safe senders) follows an edit on another node", async () => {
    const a = await node("l2:")
    const b = await node("l2:")
    const dirB = RecipientDirectory.fromDocument(b.docs, "directory")
    // What the stages do before looking recipients up.
    const lookup = (r: string) => {
      Effect.runSync(dirB.refresh)
      return dirB.get(r)
    }
    expect(lookup("bob@example.org")).toBeUndefined()
    a.docs.write("directory", "recipients:\n  bob@example.org:\n    safeSenders: [friend@example.net]\n")
    await a.docs.settled?.()
    await eventually(() => lookup("bob@example.org") !== undefined, 2000)
    expect(lookup("bob@example.org")?.safeSenders).toEqual(["friend@example.net"])
    // A text that does not parse keeps the previous directory.
    a.docs.write("directory", "recipients: [")
    await a.docs.settled?.()
    await eventually(() => lookup("bob@example.org") !== undefined && dirB.lastError() !== undefined, 2000)
    expect(lookup("bob@example.org")?.safeSenders).toEqual(["friend@example.net"])
  })

  it("domain entries and per-recipient policy in the shared directory follow an edit on another node", async () => {
    const a = await node("l2p:")
    const b = await node("l2p:")
    const dirB = RecipientDirectory.fromDocument(b.docs, "directory")
    const policyOf = (r: string) => {
      Effect.runSync(dirB.refresh)
      return dirB.policyOf(r)
    }
    expect(policyOf("anyone@example.org")).toBeUndefined()
    a.docs.write(
      "directory",
      "recipients:\n  '@example.org': { onSpam: reject, spamScore: 3 }\n  ceo@example.org: { onSpam: none }\n"
    )
    await a.docs.settled?.()
    await eventually(() => policyOf("anyone@example.org") !== undefined, 2000)
    expect(policyOf("anyone@example.org")).toMatchObject({ source: "directory: @example.org", onSpam: "reject" })
    expect(policyOf("ceo@example.org")).toMatchObject({ onSpam: "none", spamScore: 3 })
    // A bad policy value keeps the previous directory.
    a.docs.write("directory", "recipients:\n  '@example.org': { onSpam: bounce }\n")
    await a.docs.settled?.()
    await eventually(() => policyOf("x@example.org") !== undefined && dirB.lastError() !== undefined, 2000)
    expect(dirB.lastError()).toMatch(/\.onSpam: expected none, quarantine, reject or drop/)
    expect(policyOf("anyone@example.org")).toMatchObject({ onSpam: "reject", spamScore: 3 })
  })

  it("a change message missed while disconnected is caught up by the reload on reconnection", async () => {
    const b = await node("l3:")
    const raw = await (async () => {
      const c = client(redis.url)
      clients.push(c)
      await ready(c)
      return c
    })()
    // Written without a change message: only a reload can find it.
    await raw.hset("l3:lists:enduser", "text", "late@bad.example\n", "version", "99")
    expect(b.lists.entries("enduser")).toEqual([])
    await raw.client("KILL", "TYPE", "pubsub")
    await eventually(() => b.lists.entries("enduser").length === 1, 5000)
    expect(b.logged.some((l) => l.includes("reloaded after reconnecting"))).toBe(true)
  })

  it("a write from a copy another node has overtaken is refused (ListDocumentChanged), nothing replaced, the copy read again", async () => {
    const a = await node("l5:")
    const b = await node("l5:")
    a.lists.importList("enduser", "first@bad.example\n")
    await a.lists.settled()
    await eventually(() => b.lists.entries("enduser").length === 1, 2000)
    // Both edit the same copy at once, over separate connections: which write reaches Redis
    // first is not ours to choose, so either may win. B's second edit is chained on its first.
    a.lists.importList("enduser", "first@bad.example\nfrom-a@bad.example\n")
    b.lists.importList("enduser", "first@bad.example\nfrom-b@bad.example\n")
    b.lists.importList("enduser", "first@bad.example\nfrom-b@bad.example\nfrom-b2@bad.example\n")
    const outcome = (n: typeof a) =>
      n.lists.settled().then(
        () => undefined,
        (e: unknown) => e
      )
    const [byA, byB] = await Promise.all([outcome(a), outcome(b)])
    // Exactly one node's edit is refused, and with the error that says why.
    expect([byA === undefined, byB === undefined].filter(Boolean)).toHaveLength(1)
    const [winner, loser, refused] = byA === undefined ? [a, b, byB] : [b, a, byA]
    expect(State.isListDocumentChanged(refused)).toBe(true)
    const kept =
      winner === a
        ? ["first@bad.example", "from-a@bad.example"]
        : ["first@bad.example", "from-b@bad.example", "from-b2@bad.example"]
    // The loser's copy is read again: the winner's entries, none of its own (when B won, A may
    // first read B's first write and then hear of the second).
    await eventually(() => loser.lists.entries("enduser").length === kept.length, 2000)
    expect(loser.lists.entries("enduser")).toEqual(kept)
    expect(winner.lists.entries("enduser")).toEqual(kept)
    expect(loser.logged.some((l) => l.includes("changed meanwhile"))).toBe(true)
    const raw = client(redis.url)
    clients.push(raw)
    await ready(raw)
    const stored = (await raw.hget("l5:lists:enduser", "text")) ?? ""
    expect(stored.split("\n").filter((l) => l.length > 0 && !l.startsWith("#"))).toEqual(kept)
    // Edited again on the fresh copy, the loser's entry is stored on top of the winner's.
    loser.lists.importList("enduser", `${kept.join("\n")}\nagain@bad.example\n`)
    await loser.lists.settled()
    await eventually(() => winner.lists.entries("enduser").length === kept.length + 1, 2000)
  })

  it("a store that has not read a document (its load failed or never ran) cannot replace it blindly", async () => {
    const a = await node("l6:")
    a.lists.importList("enduser", "stored@bad.example\n")
    await a.lists.settled()
    // As the directory's seeding at start-up after a load that timed out: a write with no copy.
    const blind = makeDocuments({ client: a.client, prefix: "l6:", names: [], timeoutMillis: 1000 })
    stores.push(blind)
    await blind.ready
    blind.write("enduser", "blind@bad.example\n")
    const refused = await blind.settled().then(
      () => undefined,
      (e: unknown) => e
    )
    expect(State.isListDocumentChanged(refused)).toBe(true)
    expect(ListStore.make(blind).entries("enduser")).toEqual(["stored@bad.example"])
    expect(a.lists.entries("enduser")).toEqual(["stored@bad.example"])
  })

  it("Redis stopped: the last copy stays in force, an edit is refused and undone", async () => {
    const own = await startRedis()
    const a = await node("l4:", own.url, 300)
    a.lists.importList("enduser", "kept@bad.example\n")
    await a.lists.settled()
    await own.stop()
    await a.docs.reload()
    expect(a.lists.entries("enduser")).toEqual(["kept@bad.example"])
    expect(a.docs.lastError()).toMatch(/keeping the last copy/)
    a.lists.importList("enduser", "new@bad.example\n")
    await expect(a.lists.settled()).rejects.toThrow()
    expect(a.lists.entries("enduser")).toEqual(["kept@bad.example"])
  })
})
