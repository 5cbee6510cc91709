// The Redis quarantine's listing indexes against a real redis-server: filtered and
// receipt-ordered pages answer exactly what reading every entry answers (any puts, removes,
// releases, filters, orders, cursors and pages), the indexes name exactly the entries present,
// a page reads its own entries only, and a quarantine written without the indexes (main's
// layout, or an older node still writing) lists correctly and gets them once.
import { fc, test as propTest } from "@fast-check/vitest"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { Quarantine, type QuarantineMeta } from "@mailmoat/core"
import { RedisConnection, RedisQuarantineStore } from "../src/index.ts"
import { type RedisPeer, startRedis } from "../../antispam/test/support/redis.ts"

let redis: RedisPeer
let raw: RedisConnection.RedisConnection
let n = 0
beforeAll(async () => {
  redis = await startRedis()
  raw = RedisConnection.make({ url: redis.url })
  await raw.call("connecting", (c) => c.ping())
})
afterAll(async () => {
  await raw?.close()
  await redis?.stop()
})

const open = (keyPrefix: string, now?: () => number, scriptBudget?: number) =>
  RedisQuarantineStore.make(RedisConnection.make({ url: redis.url, keyPrefix }), { now, scriptBudget })
const stemOf = (prefix: string) => `{${prefix}quarantine}`

interface Spec {
  readonly subject: string
  readonly sender: string
  readonly recipients: ReadonlyArray<string>
  readonly receivedMinute: number
}

const put = (store: Quarantine.QuarantineStoreShape, s: Spec) =>
  store.put({
    envelope: {
      clientAddress: "192.0.2.1",
      helo: "h",
      mailFrom: s.sender,
      rcptTo: [...s.recipients],
      tls: false,
      sessionFlags: [],
      receivedAt: Date.parse("2026-01-01T00:00:00Z") + s.receivedMinute * 60_000
    },
    reason: "spam",
    message: new TextEncoder().encode(`From: x@y.test\r\nSubject: ${s.subject}\r\n\r\nbody\r\n`)
  })

/** Every entry's metadata read directly (what a listing read before the indexes). */
const everything = async (prefix: string): Promise<Array<QuarantineMeta>> => {
  const stem = stemOf(prefix)
  const ids = await raw.client.zrange(`${stem}:index`, 0, -1)
  const metas: Array<QuarantineMeta> = []
  for (const id of ids) {
    const json = await raw.client.hget(`${stem}:meta:${id}`, "json")
    if (json) metas.push(JSON.parse(json) as QuarantineMeta)
  }
  return metas
}

/** What the indexes hold, against what they should hold for `metas`. */
const indexesOf = async (prefix: string, metas: ReadonlyArray<QuarantineMeta>) => {
  const stem = stemOf(prefix)
  const recipients = [...new Set(metas.flatMap((m) => m.recipients.map((r) => r.toLowerCase())))].sort()
  const sorted = (a: Array<string>) => [...a].sort()
  // Redis deletes a sorted set with its last member: every key left names someone.
  const rcptKeys = sorted(await raw.client.keys(`${stem}:rcpt:*`))
  return {
    actual: {
      stored: sorted(await raw.client.zrange(`${stem}:index`, 0, -1)),
      received: sorted(await raw.client.zrange(`${stem}:received`, 0, -1)),
      rows: sorted(await raw.client.hkeys(`${stem}:rows`)),
      recipients: rcptKeys.map((k) => k.slice(`${stem}:rcpt:`.length)),
      byRecipient: await Promise.all(
        recipients.map(async (r) => sorted(await raw.client.zrange(`${stem}:rcpt:${r}`, 0, -1)))
      )
    },
    expected: {
      stored: sorted(metas.map((m) => m.id)),
      received: sorted(metas.map((m) => m.id)),
      rows: sorted(metas.map((m) => m.id)),
      recipients,
      byRecipient: recipients.map((r) =>
        sorted(metas.filter((m) => m.recipients.some((x) => x.toLowerCase() === r)).map((m) => m.id))
      )
    }
  }
}

/** Main's layout: the entry and the store-time index only. */
const withoutIndexes = async (prefix: string) => {
  const stem = stemOf(prefix)
  const extra = [...(await raw.client.keys(`${stem}:rcpt:*`)), `${stem}:received`, `${stem}:rows`, `${stem}:indexed`]
  await raw.client.del(...extra)
}

/** A put as main's code wrote it (an older node of the fleet). */
const oldPut = async (prefix: string, meta: QuarantineMeta) => {
  const stem = stemOf(prefix)
  await raw.client
    .multi()
    .set(`${stem}:msg:${meta.id}`, "Subject: old\r\n\r\nb\r\n")
    .hset(`${stem}:meta:${meta.id}`, "json", JSON.stringify(meta))
    .zadd(`${stem}:index`, Date.parse(meta.storedAt), meta.id)
    .exec()
}
const oldRemove = async (prefix: string, id: string) => {
  const stem = stemOf(prefix)
  await raw.client.multi().del(`${stem}:meta:${id}`).del(`${stem}:msg:${id}`).zrem(`${stem}:index`, id).exec()
}

const ids = (page: Quarantine.ListPage) => page.entries.map((m) => m.id)
const word = fc.constantFrom("alpha", "beta", "Gamma", "delta", "ÉTÉ")
const address = fc.constantFrom("a@example.test", "B@example.test", "c@other.test")
const spec: fc.Arbitrary<Spec> = fc.record({
  subject: fc.oneof(word, fc.constant("x".repeat(5000))),
  sender: fc.oneof(address, fc.constant("")),
  recipients: fc.uniqueArray(address, { minLength: 1, maxLength: 3 }),
  receivedMinute: fc.integer({ min: 0, max: 5 })
})
const filter: fc.Arbitrary<Quarantine.ListFilter> = fc.record(
  {
    recipient: fc.oneof(address, fc.constant("a@EXAMPLE.test")),
    q: fc.oneof(word, fc.constantFrom("example", "été", "00", "@b")),
    since: fc.constantFrom("2026-01-01T00:02:00Z", "2026-01-01"),
    until: fc.constantFrom("2026-01-01T00:04:00Z", "2027-01-01"),
    storedSince: fc.constantFrom("2026-01-01T00:00:03.000Z", "2020-01-01")
  },
  { requiredKeys: [] }
)
interface Query {
  readonly order: "stored" | "received" | undefined
  readonly filter: Quarantine.ListFilter | undefined
  readonly offset: number
  readonly limit: number
  readonly after: number | undefined
}
const query: fc.Arbitrary<Query> = fc.record({
  order: fc.constantFrom("stored" as const, "received" as const, undefined),
  filter: fc.option(filter, { nil: undefined, freq: 2 }),
  offset: fc.nat(6),
  limit: fc.integer({ min: 0, max: 8 }),
  after: fc.option(fc.nat(20), { nil: undefined })
})

const expectSamePages = async (
  prefix: string,
  stores: ReadonlyArray<Quarantine.QuarantineStoreShape>,
  queries: ReadonlyArray<Query>
) => {
  const all = await everything(prefix)
  for (const q of queries) {
    const pick = q.after === undefined || all.length === 0 ? undefined : all[q.after % all.length]!
    const after = pick && { at: Quarantine.keyOf(Quarantine.rowOf(pick), q.order), id: pick.id }
    const options = { order: q.order, filter: q.filter, offset: q.offset, limit: q.limit, after }
    const expected = Quarantine.pageOf(all, options)
    for (const s of stores) {
      const page = await s.list(options)
      expect({ total: page.total, ids: ids(page) }).toEqual({ total: expected.total, ids: ids(expected) })
    }
  }
}

describe("RedisQuarantineIndex: listings", () => {
  propTest.prop(
    [
      fc.array(
        fc.oneof(
          { arbitrary: spec.map((s) => ({ put: s })), weight: 4 },
          { arbitrary: fc.nat(20).map((n) => ({ remove: n })), weight: 1 },
          { arbitrary: fc.nat(20).map((n) => ({ release: n })), weight: 1 }
        ),
        { minLength: 1, maxLength: 20 }
      ),
      fc.array(query, { minLength: 1, maxLength: 6 }),
      fc.constantFrom(1, 2, 3, 2000)
    ],
    { numRuns: 40 }
  )("answer what reading every entry answers; the indexes name exactly the entries", async (ops, queries, budget) => {
    const prefix = `p${++n}:`
    let clock = Date.parse("2026-01-01T00:00:00Z")
    // Small budgets: a listing spans several script calls, resumed at the last entry looked at.
    const store = open(prefix, () => (clock += 1000), budget)
    const other = open(prefix, undefined, budget)
    try {
      const live: Array<string> = []
      for (const op of ops) {
        if ("put" in op) live.push(await put(store, op.put))
        else if (live.length === 0) continue
        else if ("remove" in op) await other.remove(live.splice(op.remove % live.length, 1)[0]!)
        else await (await other.claim(live.splice(op.release % live.length, 1)[0]!)).complete()
      }
      // Exact after the writes themselves, before a listing could repair anything.
      const before = await indexesOf(prefix, await everything(prefix))
      expect(before.actual).toEqual(before.expected)
      await expectSamePages(prefix, [store, other], queries)
      const after = await indexesOf(prefix, await everything(prefix))
      expect(after.actual).toEqual(after.expected)
    } finally {
      await store.close()
      await other.close()
    }
  })

  test("a recipient's page reads that page's entries only", async () => {
    const prefix = `p${++n}:`
    const store = open(prefix)
    try {
      const made: Array<string> = []
      for (let i = 0; i < 30; i++)
        made.push(
          await put(store, {
            subject: `m${i}`,
            sender: "s@x.test",
            recipients: [i % 2 === 0 ? "a@example.test" : "b@example.test"],
            receivedMinute: i
          })
        )
      // Every other entry's metadata made unreadable: a page that read them would drop them.
      const stem = stemOf(prefix)
      for (const id of made.slice(0, 24)) await raw.client.hset(`${stem}:meta:${id}`, "json", "{ not json")
      const page = await store.list({ limit: 3, filter: { recipient: "A@example.test" }, order: "received" })
      expect(ids(page)).toEqual([made[28], made[26], made[24]])
      expect(page.total).toBe(15)
      const text = await store.list({ limit: 2, filter: { q: "S@X.TEST" }, order: "received" })
      expect(ids(text)).toEqual([made[29], made[28]])
      expect(text.total).toBe(30)
    } finally {
      await store.close()
    }
  })
})

describe("RedisQuarantineIndex: quarantines without the indexes", () => {
  const fill = async (prefix: string) => {
    let clock = Date.parse("2026-01-01T00:00:00Z")
    const store = open(prefix, () => (clock += 1000))
    const made: Array<string> = []
    for (let i = 0; i < 12; i++)
      made.push(
        await put(store, {
          subject: i % 3 === 0 ? "alpha" : "beta",
          sender: "s@x.test",
          recipients: i % 2 === 0 ? ["a@example.test"] : ["a@example.test", "c@other.test"],
          receivedMinute: 12 - i
        })
      )
    return { store, made }
  }
  const queries = [
    { order: "received" as const, filter: { recipient: "c@other.test" }, offset: 0, limit: 4, after: undefined },
    { order: "received" as const, filter: { q: "alpha" }, offset: 1, limit: 3, after: 2 },
    { order: "stored" as const, filter: { storedSince: "2026-01-01T00:00:05.000Z" }, offset: 0, limit: 8, after: 3 },
    { order: "stored" as const, filter: { recipient: "c@other.test" }, offset: 0, limit: 8, after: undefined }
  ]

  test("main's layout lists correctly and gets the indexes once", async () => {
    const prefix = `m${++n}:`
    const { store } = await fill(prefix)
    await withoutIndexes(prefix)
    const fresh = open(prefix)
    try {
      await expectSamePages(prefix, [fresh], queries)
      const { actual, expected } = await indexesOf(prefix, await everything(prefix))
      expect(actual).toEqual(expected)
      expect(await raw.client.exists(`${stemOf(prefix)}:indexed`)).toBe(1)
    } finally {
      await store.close()
      await fresh.close()
    }
  })

  test("while another process rebuilds (its lock held), a listing reads every entry and answers the same", async () => {
    const prefix = `m${++n}:`
    const { store } = await fill(prefix)
    await withoutIndexes(prefix)
    await raw.client.set(`${stemOf(prefix)}:reindex`, "someone-else", "PX", 60_000)
    try {
      await expectSamePages(prefix, [store], queries)
      expect(await raw.client.exists(`${stemOf(prefix)}:received`)).toBe(0)
    } finally {
      await store.close()
    }
  })

  const older = (template: QuarantineMeta, i: number): QuarantineMeta => ({
    ...template,
    id: `20260101T00010${i}000-0123456789ab`,
    storedAt: `2026-01-01T00:01:0${i}.000Z`,
    recipients: ["c@other.test"]
  })

  test("an older node's put, then its remove, after the indexes exist: the next listing sees each", async () => {
    const prefix = `m${++n}:`
    const { store, made } = await fill(prefix)
    try {
      await expectSamePages(prefix, [store], queries)
      await oldPut(prefix, older((await everything(prefix))[0]!, 1))
      await expectSamePages(prefix, [store], queries)
      await oldRemove(prefix, made[1]!) // an entry for c@other.test the indexes still name
      await expectSamePages(prefix, [store], queries)
      const { actual, expected } = await indexesOf(prefix, await everything(prefix))
      expect(actual).toEqual(expected)
    } finally {
      await store.close()
    }
  })

  test("an older node's put and remove in between two listings: seen once the marker is renewed", async () => {
    const prefix = `m${++n}:`
    const { store, made } = await fill(prefix)
    try {
      await expectSamePages(prefix, [store], queries)
      await oldPut(prefix, older((await everything(prefix))[0]!, 2))
      await oldRemove(prefix, made[1]!)
      // The sizes still agree: what the marker's expiry (or an operator's DEL) is for.
      expect(await raw.client.pttl(`${stemOf(prefix)}:indexed`)).toBeGreaterThan(3_600_000)
      await raw.client.del(`${stemOf(prefix)}:indexed`)
      await expectSamePages(prefix, [store], queries)
      const { actual, expected } = await indexesOf(prefix, await everything(prefix))
      expect(actual).toEqual(expected)
    } finally {
      await store.close()
    }
  })

  test("an index entry whose entry vanished is forgotten when a page reads it", async () => {
    const prefix = `m${++n}:`
    const { store, made } = await fill(prefix)
    try {
      await store.list({ order: "received", filter: { q: "alpha" } })
      // Gone behind the indexes' back (a script killed half-way, an operator's DEL).
      const stem = stemOf(prefix)
      await raw.client.del(`${stem}:meta:${made[1]}`, `${stem}:msg:${made[1]}`)
      const page = await store.list({ order: "received", filter: { recipient: "c@other.test" }, limit: 2 })
      expect(ids(page)).toEqual([made[3], made[5]])
      expect(page.total).toBe(5) // counted again once the page found it gone
      expect(await raw.client.zscore(`${stem}:rcpt:c@other.test`, made[1]!)).toBeNull()
      expect(await raw.client.zscore(`${stem}:index`, made[1]!)).toBeNull()
      expect(await raw.client.hexists(`${stem}:rows`, made[1]!)).toBe(0)
    } finally {
      await store.close()
    }
  })
})
