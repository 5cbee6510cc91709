// The index snapshot: any rows round-trip (whole, and row by row as a page reads them), any bytes
// open to a snapshot or to nothing (never a throw), a snapshot cut short or with one byte changed
// is never taken for one, and a snapshot names exactly the journal prefix it was written from.
import { fc, test } from "@fast-check/vitest"
import { crc32 as crc } from "node:zlib"
import { describe, expect } from "vitest"
import { Quarantine } from "@mailmoat/core"
import type { IndexRow } from "../src/FileQuarantineIndexRecord.ts"
import { covers, decode, encode, type JournalMark, open } from "../src/FileQuarantineIndexSnapshot.ts"
import { indexRows } from "./support/indexRows.ts"

const { fullRow, timesRow } = indexRows({ id: 40, text: 60, recipients: 4 })
const row: fc.Arbitrary<IndexRow> = fc.oneof(fullRow, timesRow)
const inOrder = (rows: ReadonlyArray<IndexRow>, order: "stored" | "received") =>
  [...rows].sort((a, b) => Quarantine.compareKeys(Quarantine.keyOf(a, order), a.id, Quarantine.keyOf(b, order), b.id))
const rows = fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 30 })
const mark: fc.Arbitrary<JournalMark> = fc.record({
  ino: fc.oneof(fc.nat(), fc.constant(2 ** 60)),
  dev: fc.nat(),
  size: fc.nat(),
  crc: fc.nat({ max: 0xffffffff }),
  records: fc.nat()
})
const snapshotOf = (journal: JournalMark, all: ReadonlyArray<IndexRow>) =>
  encode({ journal, stored: inOrder(all, "stored"), received: inOrder(all, "received") })

describe("index snapshot", () => {
  test.prop([mark, rows])("round-trips, whole and row by row", (journal, all) => {
    const bytes = snapshotOf(journal, all)
    expect(decode(bytes)).toEqual({ journal, stored: inOrder(all, "stored"), received: inOrder(all, "received") })
    const base = open(bytes)!
    expect(base.count).toBe(all.length)
    const stored = inOrder(all, "stored")
    for (const [i, r] of stored.entries()) {
      expect(base.row(i)).toEqual(r)
      expect(base.find(r.id)).toBe(i)
    }
    expect(Array.from({ length: all.length }, (_, k) => base.row(base.receivedAt(k)))).toEqual(inOrder(all, "received"))
    expect(base.find("not-an-id-here")).toBe(-1)
  })

  test.prop([fc.uint8Array({ maxLength: 600 })])("any bytes open to a snapshot or to nothing", (bytes) => {
    const base = open(bytes)
    if (base !== undefined) {
      base.all()
      for (let i = 0; i < base.count; i++) base.row(i)
    }
    expect(() => decode(bytes)).not.toThrow()
  })

  test.prop([mark, rows, fc.nat(), fc.integer({ min: 1, max: 255 })])(
    "a snapshot with one byte changed is not one",
    (journal, all, at, flip) => {
      const bytes = Uint8Array.from(snapshotOf(journal, all))
      bytes[at % bytes.length]! ^= flip
      expect(open(bytes)).toBeUndefined()
    }
  )

  test.prop([mark, rows, fc.nat()])("a snapshot cut short, or with bytes after it, is not one", (journal, all, cut) => {
    const bytes = snapshotOf(journal, all)
    expect(open(bytes.subarray(0, cut % bytes.length))).toBeUndefined()
    expect(open(Buffer.concat([bytes, Buffer.from("\n")]))).toBeUndefined()
  })

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.nat()])(
    "covers the journal prefix it names, in that file only",
    (journal, cutAt, flipAt) => {
      const lines = Buffer.concat([Buffer.from(journal), Buffer.from("\n")])
      const size = (cutAt % lines.length) + 1
      const prefix = lines.subarray(0, size)
      const file = { ino: 7, dev: 3 }
      const m = { ...file, size, crc: crc(prefix), records: 1 }
      const atLineEnd = prefix[size - 1] === 0x0a
      expect(covers(m, file, lines)).toBe(atLineEnd)
      expect(covers(m, { ino: 8, dev: 3 }, lines)).toBe(false)
      expect(covers(m, file, lines.subarray(0, size - 1))).toBe(false)
      const changed = Buffer.from(lines)
      changed[flipAt % size]! ^= 1
      expect(covers(m, file, changed)).toBe(false)
    }
  )
})
