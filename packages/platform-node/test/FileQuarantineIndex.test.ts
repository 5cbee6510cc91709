// The file quarantine's index: listings served from it answer exactly what reading every entry
// answers (any puts, removes, filters, orders, cursors and pages), a page reads only its own
// entries' metadata, and the journal survives what a crash or an operator does to it (torn last
// record, garbage, deleted file, an older version's entries) by a rebuild from the folders.
import {
  appendFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import { join } from "node:path"
import { fc, test as propTest } from "@fast-check/vitest"
import { describe, expect, test } from "vitest"
import { Quarantine, type QuarantineMeta } from "@mailmoat/core"
import { decode, encode } from "../src/FileQuarantineIndexSnapshot.ts"
import { FileQuarantineStore, FileQuarantineSweep } from "../src/index.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const fresh = () => tempDir("mailmoat-qi-")
const silent = () => {}

interface Spec {
  readonly subject: string
  readonly sender: string
  readonly recipients: ReadonlyArray<string>
  /** Minutes after a fixed start; equal values tie on receipt time. */
  readonly receivedMinute: number
}

const put = (store: ReturnType<typeof FileQuarantineStore.make>, s: Spec) =>
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

/** Every entry's metadata, read from the folders (what a listing read before the index). */
const everything = (root: string): Array<QuarantineMeta> =>
  (existsSync(join(root, "entries")) ? readdirSync(join(root, "entries")) : []).flatMap((id) => {
    try {
      return [JSON.parse(readFileSync(join(root, "entries", id, "meta.json"), "utf8")) as QuarantineMeta]
    } catch {
      return []
    }
  })

const ids = (page: Quarantine.ListPage) => page.entries.map((m) => m.id)
const word = fc.constantFrom("alpha", "beta", "Gamma", "delta", "ÉTÉ")
const address = fc.constantFrom("a@example.test", "B@example.test", "c@other.test")
const spec: fc.Arbitrary<Spec> = fc.record({
  subject: fc.oneof(word, fc.constant("x".repeat(5000))), // the long one does not fit a record
  sender: fc.oneof(address, fc.constant("")),
  recipients: fc.uniqueArray(address, { minLength: 1, maxLength: 3 }),
  receivedMinute: fc.integer({ min: 0, max: 5 })
})
const filter: fc.Arbitrary<Quarantine.ListFilter> = fc.record(
  {
    recipient: fc.oneof(address, fc.constant("a@EXAMPLE.test")),
    q: fc.oneof(word, fc.constantFrom("example", "été", "00")),
    since: fc.constantFrom("2026-01-01T00:02:00Z", "2026-01-01"),
    until: fc.constantFrom("2026-01-01T00:04:00Z", "2027-01-01"),
    storedSince: fc.constantFrom("2026-01-01T00:00:03.000Z", "2020-01-01")
  },
  { requiredKeys: [] }
)

describe("FileQuarantineIndex: listings", () => {
  propTest.prop(
    [
      fc.array(
        fc.oneof(
          spec.map((s) => ({ put: s })),
          fc.nat(20).map((n) => ({ remove: n })),
          fc.constant({ snapshot: true as const })
        ),
        {
          minLength: 1,
          maxLength: 14
        }
      ),
      fc.array(
        fc.record({
          order: fc.constantFrom("stored" as const, "received" as const, undefined),
          filter: fc.option(filter, { nil: undefined }),
          offset: fc.nat(6),
          limit: fc.integer({ min: 0, max: 8 }),
          after: fc.option(fc.nat(20), { nil: undefined })
        }),
        { minLength: 1, maxLength: 6 }
      )
    ],
    { numRuns: 40 }
  )("answer what reading every entry answers, through another handle and a new one too", async (ops, queries) => {
    const root = fresh()
    let clock = Date.parse("2026-01-01T00:00:00Z")
    // A snapshot as soon as the journal grew, so that new handles read one and the journal after it.
    const store = FileQuarantineStore.make({ root, now: () => (clock += 1000), log: silent, snapshotAfter: 1 })
    const other = FileQuarantineStore.make({ root, log: silent })
    const live: Array<string> = []
    for (const op of ops) {
      if ("put" in op) live.push(await put(store, op.put))
      else if ("remove" in op) {
        if (live.length > 0) await other.remove(live.splice(op.remove % live.length, 1)[0]!)
      } else {
        await store.list({ limit: 0 })
        await store.close() // the snapshot that listing started is written
      }
    }
    const all = everything(root)
    for (const q of queries) {
      const pick = q.after === undefined || all.length === 0 ? undefined : all[q.after % all.length]!
      const after = pick && { at: Quarantine.keyOf(Quarantine.rowOf(pick), q.order), id: pick.id }
      const options = { order: q.order, filter: q.filter, offset: q.offset, limit: q.limit, after }
      const expected = Quarantine.pageOf(all, options)
      // The new handle first: it reads the snapshot the ops left, before `store` writes a newer one.
      for (const s of [FileQuarantineStore.make({ root, log: silent }), store, other]) {
        const page = await s.list(options)
        if (q.limit === 0 && q.filter === undefined) expect(page.total).toBe(all.length)
        else expect({ total: page.total, ids: ids(page) }).toEqual({ total: expected.total, ids: ids(expected) })
      }
    }
    rmSync(root, { recursive: true, force: true })
  })

  const change = fc.oneof(
    { arbitrary: spec.map((s) => ({ put: s })), weight: 3 },
    { arbitrary: fc.nat(20).map((n) => ({ remove: n })), weight: 2 },
    { arbitrary: fc.constant({ snapshot: true as const }), weight: 1 }
  )
  propTest.prop(
    [
      // Changes, a snapshot, and changes after it (the journal a new handle reads past the snapshot).
      fc
        .tuple(fc.array(change, { minLength: 1, maxLength: 10 }), fc.array(change, { maxLength: 8 }))
        .map(([before, after]) => [...before, { snapshot: true as const }, ...after]),
      fc.array(
        fc.record({
          order: fc.constantFrom("stored" as const, "received" as const, undefined),
          offset: fc.nat(6),
          limit: fc.integer({ min: 0, max: 8 }),
          after: fc.option(fc.nat(20), { nil: undefined })
        }),
        { minLength: 1, maxLength: 6 }
      )
    ],
    { numRuns: 40 }
  )("a new handle's unfiltered pages from the snapshot and the journal after it", async (ops, queries) => {
    const root = fresh()
    let clock = Date.parse("2026-01-01T00:00:00Z")
    const store = FileQuarantineStore.make({ root, now: () => (clock += 1000), log: silent, snapshotAfter: 1 })
    const live: Array<string> = []
    for (const op of ops) {
      if ("put" in op) live.push(await put(store, op.put))
      else if ("remove" in op) {
        if (live.length > 0) await store.remove(live.splice(op.remove % live.length, 1)[0]!)
      } else {
        await store.list({ limit: 0 })
        await store.close()
      }
    }
    const all = everything(root)
    for (const q of queries) {
      const pick = q.after === undefined || all.length === 0 ? undefined : all[q.after % all.length]!
      const after = pick && { at: Quarantine.keyOf(Quarantine.rowOf(pick), q.order), id: pick.id }
      const options = { order: q.order, offset: q.offset, limit: q.limit, after }
      const expected = Quarantine.pageOf(all, options)
      const page = await FileQuarantineStore.make({ root, log: silent }).list(options)
      expect({ total: page.total, ids: ids(page) }).toEqual({ total: expected.total, ids: ids(expected) })
    }
    rmSync(root, { recursive: true, force: true })
  })

  // Three handles kept open (as the workers of the multi-process mode and a CLI keep theirs), one
  // compacting as soon as records are dead and writing a snapshot at every listing, changes and
  // listings interleaved (a compaction a listing started runs on while the next changes are
  // made): every listing of every handle, and of a new one, answers what the model (the ids put
  // and not removed) says. Each listing waits for the compactions under way first: while one
  // copies the records appended during it into the new journal, a reader can briefly miss them.
  const step = fc.oneof(
    { arbitrary: fc.record({ put: spec, by: fc.nat(2) }), weight: 3 },
    { arbitrary: fc.record({ remove: fc.nat(20), by: fc.nat(2) }), weight: 2 },
    { arbitrary: fc.record({ list: fc.nat(3), limit: fc.integer({ min: 0, max: 4 }) }), weight: 3 }
  )
  propTest.prop([fc.array(step, { minLength: 1, maxLength: 25 })], { numRuns: 40 })(
    "handles kept open through compactions and snapshots list what the model holds",
    async (steps) => {
      const root = fresh()
      let clock = Date.parse("2026-01-01T00:00:00Z")
      const now = () => (clock += 1000)
      const handles = [
        FileQuarantineStore.make({ root, now, log: silent, compactAfter: 0, snapshotAfter: 1 }),
        FileQuarantineStore.make({ root, now, log: silent }),
        FileQuarantineStore.make({ root, now, log: silent, compactAfter: 1 })
      ]
      const live: Array<string> = [] // oldest first
      for (const s of steps) {
        if ("put" in s) live.push(await put(handles[s.by]!, s.put))
        else if ("remove" in s) {
          if (live.length > 0) await handles[s.by]!.remove(live.splice(s.remove % live.length, 1)[0]!)
        } else {
          for (const h of handles) await h.close()
          const reader = s.list === 3 ? FileQuarantineStore.make({ root, log: silent }) : handles[s.list]!
          const page = await reader.list({ limit: s.limit })
          const expected = Quarantine.pageOf(everything(root), { limit: s.limit })
          expect({ total: page.total, ids: ids(page) }).toEqual({ total: live.length, ids: ids(expected) })
        }
      }
      for (const h of handles) await h.close()
      rmSync(root, { recursive: true, force: true })
    },
    120_000
  )

  test("a page reads the metadata of its own entries only", async () => {
    const root = fresh()
    const store = FileQuarantineStore.make({ root, log: silent })
    const made: Array<string> = []
    for (let i = 0; i < 30; i++)
      made.push(
        await put(store, { subject: `m${i}`, sender: "s@x.test", recipients: ["a@example.test"], receivedMinute: i })
      )
    // Every entry but the newest five made unreadable: a first page of five never notices.
    for (const id of made.slice(0, 25)) writeFileSync(join(root, "entries", id, "meta.json"), "{ not json")
    const page = await store.list({ limit: 5, filter: { recipient: "a@example.test" }, order: "received" })
    expect(ids(page)).toEqual(made.slice(25).reverse())
    expect(page.total).toBe(30)
  })
})

describe("FileQuarantineIndex: damage and recovery", () => {
  const three = async (root: string, log: (m: string) => void = silent) => {
    const store = FileQuarantineStore.make({ root, log })
    const made: Array<string> = []
    for (const subject of ["one", "two", "three"])
      made.push(await put(store, { subject, sender: "s@x.test", recipients: ["a@example.test"], receivedMinute: 1 }))
    return { store, made }
  }
  const journal = (root: string) => join(root, "index.log")
  const listed = async (root: string, log: (m: string) => void = silent) =>
    ids(await FileQuarantineStore.make({ root, log }).list({ limit: 10 }))

  test("a torn last record (a crash mid-append): the start-up check rebuilds, the entry is listed", async () => {
    const root = fresh()
    const { made } = await three(root)
    truncateSync(journal(root), statSync(journal(root)).size - 20)
    const check = await FileQuarantineSweep.checkIndex(root)
    expect(check).toMatchObject({ state: "rebuilt", why: "torn", entries: 3 })
    expect(check.message).toMatch(/torn: rebuilt from 3 entries/)
    expect(await listed(root)).toEqual([...made].reverse())
  })

  test("a torn last record left for long: the next listing rebuilds, logged once", async () => {
    const root = fresh()
    const { made } = await three(root)
    truncateSync(journal(root), statSync(journal(root)).size - 20)
    const old = new Date(Date.now() - 60_000)
    utimesSync(journal(root), old, old)
    const logged: Array<string> = []
    const store = FileQuarantineStore.make({ root, log: (m) => logged.push(m) })
    expect(ids(await store.list({ limit: 10 }))).toEqual([...made].reverse())
    expect(ids(await store.list({ limit: 10 }))).toEqual([...made].reverse())
    expect(logged).toEqual([expect.stringMatching(/torn: rebuilt from 3 entries/)])
  })

  test("garbage in the middle of the journal: rebuilt, nothing lost, later appends still read", async () => {
    const root = fresh()
    const { store, made } = await three(root)
    appendFileSync(journal(root), 'deadbeef {"a":"x"}\n\u0000\u0001garbage\n')
    const logged: Array<string> = []
    const reader = FileQuarantineStore.make({ root, log: (m) => logged.push(m) })
    expect(ids(await reader.list({ limit: 10 }))).toEqual([...made].reverse())
    expect(logged).toEqual([expect.stringMatching(/damaged: rebuilt from 3 entries/)])
    const fourth = await put(store, { subject: "four", sender: "", recipients: ["a@example.test"], receivedMinute: 2 })
    await store.remove(made[0]!)
    expect(ids(await reader.list({ limit: 10 }))).toEqual([fourth, made[2], made[1]])
    expect(logged.length).toBe(1)
  })

  test("a deleted journal (or an older version's quarantine): the first listing rebuilds it", async () => {
    const root = fresh()
    const { made } = await three(root)
    rmSync(journal(root))
    const logged: Array<string> = []
    expect(await listed(root, (m) => logged.push(m))).toEqual([...made].reverse())
    expect(logged).toEqual([expect.stringMatching(/missing: rebuilt from 3 entries/)])
    expect(readFileSync(journal(root), "utf8").trim().split("\n").length).toBe(3)
  })

  test("a journal that cannot be written (here: its lock path taken by a directory): listed from the folders", async () => {
    const root = fresh()
    const { made } = await three(root)
    rmSync(journal(root))
    mkdirSync(`${journal(root)}.lock`)
    const logged: Array<string> = []
    expect(await listed(root, (m) => logged.push(m))).toEqual([...made].reverse())
    expect(logged).toEqual([expect.stringMatching(/missing: not rebuilt .*; listed from the entry folders/)])
  })

  test("entries the journal does not name (written by an older version): the start-up check adds them", async () => {
    const root = fresh()
    const { made } = await three(root)
    const lines = readFileSync(journal(root), "utf8").split("\n")
    writeFileSync(journal(root), `${lines[0]}\n`) // as if two were written without the index
    rmSync(join(root, "entries", made[0]!), { recursive: true }) // and one removed without it
    expect(await FileQuarantineSweep.checkIndex(root)).toMatchObject({ state: "repaired", added: 2, removed: 1 })
    expect(await listed(root)).toEqual([made[2], made[1]])
    expect(await FileQuarantineSweep.checkIndex(root)).toEqual({ state: "ok", entries: 2 })
  })

  test("an entry removed behind the index's back is dropped when its page reads it", async () => {
    const root = fresh()
    const { store, made } = await three(root)
    expect((await store.list({ limit: 10 })).total).toBe(3)
    rmSync(join(root, "entries", made[1]!), { recursive: true })
    const page = await store.list({ limit: 10 })
    expect({ total: page.total, ids: ids(page) }).toEqual({ total: 2, ids: [made[2], made[0]] })
  })

  test("a new quarantine starts with an empty journal and logs nothing", async () => {
    const root = fresh()
    const logged: Array<string> = []
    const store = FileQuarantineStore.make({ root, log: (m) => logged.push(m) })
    await put(store, { subject: "s", sender: "", recipients: ["a@example.test"], receivedMinute: 0 })
    expect((await store.list()).total).toBe(1)
    expect(readFileSync(join(root, "index.log"), "utf8").trim().split("\n").length).toBe(1)
    expect(logged).toEqual([])
    expect(await FileQuarantineSweep.checkIndex(join(root, "missing"))).toMatchObject({ entries: 0 })
  })

  const snapshotted = async (root: string) => {
    const { store, made } = await three(root)
    const writer = FileQuarantineStore.make({ root, log: silent, snapshotAfter: 1 })
    await writer.list({ limit: 0 })
    await writer.close()
    expect(existsSync(join(root, "index.snap"))).toBe(true)
    return { store, made }
  }

  test("a damaged snapshot (a byte changed, cut short, rows out of order): the journal is read, logged once", async () => {
    const damage: Array<(b: Buffer) => Buffer> = [
      (b) => {
        b[b.length - 5]! ^= 0x20
        return b
      },
      (b) => b.subarray(0, b.length - 7),
      (b) => {
        // Whole and checksummed, but its rows are not in the order it claims.
        const snap = decode(b)!
        return Buffer.from(encode({ ...snap, stored: [...snap.stored].reverse() }))
      }
    ]
    for (const change of damage) {
      const root = fresh()
      const { made } = await snapshotted(root)
      writeFileSync(join(root, "index.snap"), change(readFileSync(join(root, "index.snap"))))
      const logged: Array<string> = []
      const reader = FileQuarantineStore.make({ root, log: (m) => logged.push(m) })
      expect(ids(await reader.list({ limit: 10 }))).toEqual([...made].reverse())
      const page = await reader.list({ limit: 10, filter: { recipient: "a@example.test" } })
      expect(ids(page)).toEqual([...made].reverse())
      expect(logged).toEqual([expect.stringMatching(/index\.snap damaged: the journal is read whole/)])
      // Written again (the listing started it), whatever the journal's size: the next process reads it.
      await reader.close()
      const next: Array<string> = []
      expect(ids(await FileQuarantineStore.make({ root, log: (m) => next.push(m) }).list({ limit: 10 }))).toEqual(
        [...made].reverse()
      )
      expect(next).toEqual([])
      expect(decode(readFileSync(join(root, "index.snap")))?.stored.length).toBe(3)
    }
  })

  test("a snapshot of another journal (stale): the journal is read, logged once; a rebuild drops it", async () => {
    const root = fresh()
    const { made } = await snapshotted(root)
    const elsewhere = fresh()
    await snapshotted(elsewhere)
    writeFileSync(join(root, "index.snap"), readFileSync(join(elsewhere, "index.snap")))
    const logged: Array<string> = []
    const reader = FileQuarantineStore.make({ root, log: (m) => logged.push(m) })
    expect(ids(await reader.list({ limit: 10 }))).toEqual([...made].reverse())
    expect(ids(await reader.list({ limit: 10 }))).toEqual([...made].reverse())
    expect(logged).toEqual([expect.stringMatching(/index\.snap stale .*: the journal is read whole/)])
    rmSync(journal(root))
    expect(await listed(root)).toEqual([...made].reverse())
    expect(existsSync(join(root, "index.snap"))).toBe(false)
  })

  test("a snapshot left behind by a journal cut below it: never trusted, the entries are listed", async () => {
    const root = fresh()
    const { made } = await snapshotted(root)
    // The journal as if its last record had never been written: the snapshot names more than it holds.
    const lines = readFileSync(journal(root), "utf8").split("\n")
    writeFileSync(journal(root), `${lines.slice(0, 2).join("\n")}\n`)
    expect(await FileQuarantineSweep.checkIndex(root)).toMatchObject({ state: "repaired", added: 1 })
    expect(await listed(root)).toEqual([...made].reverse())
  })

  test("a snapshot whose writer died before the rename: the old one serves, the start-up sweep removes the rest", async () => {
    const root = fresh()
    const { store, made } = await snapshotted(root)
    const partial = join(root, "index.snap.4242.1765000000000.tmp")
    writeFileSync(partial, readFileSync(join(root, "index.snap")).subarray(0, 100))
    const fourth = await put(store, { subject: "four", sender: "", recipients: ["a@example.test"], receivedMinute: 2 })
    await store.remove(made[0]!)
    expect(await listed(root)).toEqual([fourth, made[2], made[1]])
    expect((await FileQuarantineSweep.sweep(root)).partial).toBe(1)
    expect(existsSync(partial)).toBe(false)
  })

  test("a journal replaced by one whose inode number is the old one's (ext4 reuses them): read from its start", async () => {
    const root = fresh()
    const writer = FileQuarantineStore.make({ root, log: silent, compactAfter: 0 })
    const reader = FileQuarantineStore.make({ root, log: silent })
    const same = { subject: "s", sender: "", recipients: ["a@example.test"], receivedMinute: 1 }
    const first = [await put(writer, same), await put(writer, same)]
    expect(ids(await reader.list({ limit: 10 }))).toEqual([...first].reverse())
    // Two compactions while the reader is idle: the second new journal can get the first one's
    // inode number back (freed by the first). The hard link keeps that inode and then takes the
    // compacted journal's bytes, so the reader meets the same (ino, dev) with other contents.
    const held = join(root, "held")
    linkSync(journal(root), held)
    for (const id of first) await writer.remove(id)
    const later = [await put(writer, same), await put(writer, same), await put(writer, same)]
    expect(ids(await writer.list({ limit: 10 }))).toEqual([...later].reverse())
    await writer.close() // the compaction that listing started
    expect(readFileSync(journal(root), "utf8").trim().split("\n").length).toBe(3)
    writeFileSync(held, readFileSync(journal(root)))
    renameSync(held, journal(root))
    const page = await reader.list({ limit: 10 })
    expect({ total: page.total, ids: ids(page) }).toEqual({ total: 3, ids: [...later].reverse() })
  })

  test("compaction rewrites the journal to the live entries; other handles keep following it", async () => {
    const root = fresh()
    const store = FileQuarantineStore.make({ root, log: silent, compactAfter: 4 })
    const reader = FileQuarantineStore.make({ root, log: silent })
    const keep: Array<string> = []
    for (let i = 0; i < 12; i++) {
      const id = await put(store, { subject: `m${i}`, sender: "", recipients: ["a@example.test"], receivedMinute: i })
      if (i % 3 === 0) keep.push(id)
      else await store.remove(id)
      await store.list({ limit: 1 }) // reads the journal, and compacts it once it is mostly dead records
    }
    await store.list({ limit: 1 })
    const lines = readFileSync(join(root, "index.log"), "utf8").trim().split("\n")
    expect(lines.length).toBeLessThanOrEqual(2 * keep.length + 4 + 1)
    expect(ids(await reader.list({ limit: 20 }))).toEqual([...keep].reverse())
    expect(ids(await store.list({ limit: 20 }))).toEqual([...keep].reverse())
  })
})
