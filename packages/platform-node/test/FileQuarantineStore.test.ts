import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fc, test as propTest } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, test } from "vitest"
import { Quarantine } from "@mailmoat/core"
import { quarantineContract } from "../../core/test/quarantine/support/contract.ts"
import { FileQuarantineStore, FileQuarantineSweep } from "../src/index.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const fresh = () => tempDir("mailmoat-q-")

const putOne = (store: ReturnType<typeof FileQuarantineStore.make>) =>
  store.put({
    envelope: {
      clientAddress: "192.0.2.1",
      helo: "h",
      mailFrom: "",
      rcptTo: ["u@x.test"],
      tls: false,
      sessionFlags: [],
      receivedAt: 1
    },
    reason: "r",
    message: new TextEncoder().encode("Subject: s\r\n\r\nb\r\n")
  })

quarantineContract(
  "files",
  async () => FileQuarantineStore.make({ root: fresh() }),
  (of) => FileQuarantineStore.make({ root: of.describe.slice("files ".length) })
)

describe("FileQuarantineStore layout", () => {
  test("one directory per entry with message.eml (0600) and meta.json; nothing left in tmp", async () => {
    const root = fresh()
    const store = FileQuarantineStore.make({ root })
    const id = await putOne(store)
    expect(readdirSync(join(root, "entries", id)).sort()).toEqual(["message.eml", "meta.json"])
    expect(statSync(join(root, "entries", id, "message.eml")).mode & 0o777).toBe(0o600)
    expect(readdirSync(join(root, "tmp"))).toEqual([])
    await store.remove(id)
    expect(readdirSync(join(root, "entries"))).toEqual([])
    expect(readdirSync(join(root, "tmp"))).toEqual([])
  })

  test("a half-built entry in tmp/ is never listed", async () => {
    const root = fresh()
    const store = FileQuarantineStore.make({ root })
    mkdirSync(join(root, "tmp", "20240101T000000000-aaaaaaaaaaaa"), { recursive: true })
    writeFileSync(join(root, "tmp", "20240101T000000000-aaaaaaaaaaaa", "message.eml"), "x")
    expect((await store.list()).total).toBe(0)
  })

  test("the count (list with limit 0) is the index's; a listing reads every entry, in order", async () => {
    const root = fresh()
    let clock = Date.parse("2026-03-02T00:00:00Z")
    const store = FileQuarantineStore.make({ root, now: () => (clock += 1000) })
    const ids: Array<string> = []
    for (let i = 0; i < 40; i++) ids.push(await putOne(store))
    // A damaged entry: counted until a page reads it, then left out of the listing and the count.
    writeFileSync(join(root, "entries", ids[3]!, "meta.json"), "{ not json")
    mkdirSync(join(root, "entries", ".not-an-entry"))
    expect(await store.list({ limit: 0 })).toEqual({ total: 40, entries: [] })
    const page = await store.list({ limit: 100 })
    expect(page.total).toBe(39)
    expect(await store.list({ limit: 0 })).toEqual({ total: 39, entries: [] })
    expect(page.entries.map((m) => m.id)).toEqual(ids.filter((_, i) => i !== 3).reverse())
    expect((await store.list({ offset: 5, limit: 3 })).entries.map((m) => m.id)).toEqual(
      page.entries.slice(5, 8).map((m) => m.id)
    )
  })

  test("the count follows adds and removes made through another handle, from the journal, not the folders", async () => {
    const root = fresh()
    const gateway = FileQuarantineStore.make({ root })
    const cli = FileQuarantineStore.make({ root })
    const count = async () => (await gateway.list({ limit: 0 })).total
    expect(await count()).toBe(0)
    const ids: Array<string> = []
    for (let i = 0; i < 5; i++) ids.push(await putOne(cli))
    expect(await count()).toBe(5)
    await cli.remove(ids[1]!)
    await gateway.remove(ids[2]!)
    expect(await count()).toBe(3)
    // A folder the journal does not name (a crash between the entry and its record) is counted
    // once the start-up check has appended it, as it is listed.
    const stray = "20260101T000000000-0123456789ab"
    cpSync(join(root, "entries", ids[0]!), join(root, "entries", stray), { recursive: true })
    const meta = JSON.parse(readFileSync(join(root, "entries", stray, "meta.json"), "utf8")) as { id: string }
    writeFileSync(join(root, "entries", stray, "meta.json"), JSON.stringify({ ...meta, id: stray }))
    expect(await count()).toBe(3)
    await FileQuarantineSweep.checkIndex(root)
    expect(await count()).toBe(4)
  })

  test("reads, confirms and removes entries written by the gateway's Maildir + meta/ layout", async () => {
    const root = fresh()
    const id = "1700000000.M1P2Q3Rabcdef.gw.test,S=40"
    mkdirSync(join(root, "messages", "new"), { recursive: true })
    mkdirSync(join(root, "meta"), { recursive: true })
    const file = join(root, "messages", "new", id)
    writeFileSync(file, "From: a@b.test\r\nSubject: legacy\r\n\r\nbody\r\n")
    const envelope = {
      clientAddress: "192.0.2.9",
      helo: "c.test",
      mailFrom: "a@b.test",
      rcptTo: ["u@x.test", "v@x.test"],
      tls: false,
      sessionFlags: [],
      receivedAt: 5
    }
    const verdict = {
      class: "spam",
      score: 7,
      symbols: [{ name: "X", score: 7, source: "rbl" }],
      trace: [{ stage: "rbl" }]
    }
    writeFileSync(
      join(root, "meta", `${id}.json`),
      JSON.stringify({
        id,
        file,
        storedAt: "2024-01-01T00:00:00.000Z",
        reason: "spam",
        recipients: ["u@x.test"],
        envelope,
        verdict
      })
    )
    const store = FileQuarantineStore.make({ root })
    const page = await store.list()
    expect(page.total).toBe(1)
    expect(page.entries[0]).toMatchObject({
      id,
      subject: "legacy",
      recipients: ["u@x.test"],
      size: 41,
      verdict: { class: "spam", score: 7 }
    })
    expect((await store.markConfirmed(id)).confirmedAt).toBeDefined()
    expect((await store.get(id)).meta.confirmedAt).toBeDefined()
    await store.remove(id)
    expect(readdirSync(join(root, "meta"))).toEqual([])
    expect(readdirSync(join(root, "messages", "new"))).toEqual([])
    await expect(store.get(id)).rejects.toMatchObject({ reason: "NotFound" })
  })
})

describe("quarantine ids and header summary", () => {
  test("new ids are valid, unique and sort by time", () => {
    const a = Quarantine.newId(1_700_000_000_000)
    const b = Quarantine.newId(1_700_000_000_001)
    expect(Quarantine.isValidId(a)).toBe(true)
    expect(a < b).toBe(true)
    expect(Quarantine.newId(5)).not.toBe(Quarantine.newId(5))
  })

  propTest.prop([fc.uint8Array({ maxLength: 20_000 })])("headerSummary never throws and bounds its values", (bytes) => {
    const s = Quarantine.headerSummary(bytes)
    expect((s.subject ?? "").length).toBeLessThanOrEqual(200)
    expect((s.from ?? "").length).toBeLessThanOrEqual(200)
  })

  test("headerSummary unfolds and stops at the body", () => {
    const s = Quarantine.headerSummary(new TextEncoder().encode("Subject: a\r\n b\r\nX: y\r\n\r\nFrom: body@x\r\n"))
    expect(s).toEqual({ subject: "a b" })
  })
})

describe("FileQuarantineStore.layer", () => {
  test("provides the QuarantineStore service to an Effect program, closed with its scope", async () => {
    const root = tempDir("mailmoat-q-layer-")
    const program = Effect.gen(function* () {
      const store = yield* Quarantine.QuarantineStore
      const id = yield* Effect.promise(() =>
        store.put({
          envelope: {
            clientAddress: "192.0.2.1",
            helo: "h",
            mailFrom: "a@b.test",
            rcptTo: ["c@d.test"],
            tls: false,
            sessionFlags: [],
            receivedAt: 0
          },
          reason: "test",
          message: new TextEncoder().encode("Subject: x\r\n\r\nbody\r\n")
        })
      )
      return (yield* Effect.promise(() => store.list())).entries.map((e) => e.id).includes(id)
    })
    expect(
      await Effect.runPromise(Effect.scoped(program.pipe(Effect.provide(FileQuarantineStore.layer({ root })))))
    ).toBe(true)
  })
})

describe("FileQuarantineStore release claims", () => {
  test("a claim whose holder died is taken over after the lease; the old holder can no longer complete", async () => {
    const root = fresh()
    let t = Date.parse("2026-01-01T00:00:00Z")
    const store = FileQuarantineStore.make({ root, now: () => t })
    const id = await putOne(store)
    const dead = await store.claim(id)
    t += Quarantine.CLAIM_LEASE_MS - 1000
    await expect(store.claim(id)).rejects.toMatchObject({ reason: "Released" })
    t += 2000
    const next = await store.claim(id)
    await expect(dead.complete()).rejects.toMatchObject({ reason: "Released" })
    expect((await store.get(id)).meta.id).toBe(id)
    await next.complete()
    expect(readdirSync(join(root, "claims"))).toEqual([`${id}.json`])
  })
})

const winners = (outcomes: ReadonlyArray<PromiseSettledResult<unknown>>) => {
  for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toMatchObject({ reason: "Released" })
  return outcomes.filter((o) => o.status === "fulfilled").length
}

describe("FileQuarantineStore release claims under races", () => {
  test("a claim file that does not parse is someone's claim until it is older than the lease", async () => {
    const root = fresh()
    let t = Date.now()
    const store = FileQuarantineStore.make({ root, now: () => t })
    const id = await putOne(store)
    // What a writer that creates the file before writing it shows a racing reader for a moment.
    mkdirSync(join(root, "claims"), { recursive: true })
    writeFileSync(join(root, "claims", `${id}.json`), "")
    await expect(store.claim(id)).rejects.toMatchObject({ reason: "Released" })
    t += Quarantine.CLAIM_LEASE_MS + 1000
    const taken = await store.claim(id)
    await taken.complete()
    await expect(store.claim(id)).rejects.toMatchObject({ reason: "Released" })
  })

  test("of many stores claiming one id at once exactly one holds, round after round", async () => {
    const root = fresh()
    const stores = Array.from({ length: 8 }, () => FileQuarantineStore.make({ root }))
    for (let round = 0; round < 25; round++) {
      const id = await putOne(stores[0]!)
      const outcomes = await Promise.allSettled(stores.map((s) => s.claim(id)))
      expect(winners(outcomes), `round ${round}`).toBe(1)
    }
    expect(readdirSync(join(root, "claims")).filter((n) => n.startsWith("."))).toEqual([])
  })

  test("of many take-overs of one stale claim exactly one holds, and the dead holder cannot complete", async () => {
    const root = fresh()
    let t = Date.parse("2026-01-01T00:00:00Z")
    const stores = Array.from({ length: 8 }, () => FileQuarantineStore.make({ root, now: () => t }))
    for (let round = 0; round < 15; round++) {
      const id = await putOne(stores[0]!)
      const dead = await stores[0]!.claim(id)
      t += Quarantine.CLAIM_LEASE_MS + 1000
      const outcomes = await Promise.allSettled(stores.map((s) => s.claim(id)))
      expect(winners(outcomes), `round ${round}`).toBe(1)
      await expect(dead.complete()).rejects.toMatchObject({ reason: "Released" })
    }
    expect(readdirSync(join(root, "claims")).filter((n) => n.startsWith("."))).toEqual([])
  })
})

describe("FileQuarantineSweep (start-up)", () => {
  test("removes everything in tmp/ and forgets releases older than the memory; entries and recent claims stay", async () => {
    const root = fresh()
    const store = FileQuarantineStore.make({ root })
    const envelope = {
      clientAddress: "192.0.2.1",
      helo: "h",
      mailFrom: "",
      rcptTo: ["u@x.test"],
      tls: false,
      sessionFlags: [],
      receivedAt: 1
    }
    const kept = await store.put({
      envelope,
      reason: "r",
      message: new TextEncoder().encode("Subject: kept\r\n\r\nb\r\n")
    })
    const released = await store.put({
      envelope,
      reason: "r",
      message: new TextEncoder().encode("Subject: gone\r\n\r\nb\r\n")
    })
    await (await store.claim(released)).complete()
    mkdirSync(join(root, "tmp", "20260101T000000000-aaaaaaaaaaaa"))
    writeFileSync(join(root, "tmp", "20260101T000000000-aaaaaaaaaaaa", "message.eml"), "half")
    mkdirSync(join(root, "tmp", ".removed-x-1-2"))
    writeFileSync(join(root, "claims", ".stale-0011"), "{}")
    const old = (Date.now() - Quarantine.CLAIM_LEASE_MS - 60_000) / 1000
    utimesSync(join(root, "claims", ".stale-0011"), old, old)
    const soon = await FileQuarantineSweep.sweep(root)
    expect(soon).toEqual({ partial: 2, claims: 1 })
    expect(readdirSync(join(root, "tmp"))).toEqual([])
    expect(readdirSync(join(root, "claims"))).toEqual([`${released}.json`])
    expect((await store.list()).entries.map((e) => e.id)).toEqual([kept])
    const later = await FileQuarantineSweep.sweep(root, Date.now() + Quarantine.RELEASED_MEMORY_MS + 60_000)
    expect(later).toEqual({ partial: 0, claims: 1 })
    expect(readdirSync(join(root, "claims"))).toEqual([])
    expect(await FileQuarantineSweep.sweep(join(root, "missing"))).toEqual({ partial: 0, claims: 0 })
  })
})
