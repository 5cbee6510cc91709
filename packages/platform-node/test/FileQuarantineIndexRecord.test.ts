// The index journal's records: any bytes decode to a record or to nothing (never a throw), every
// record round-trips and fits one write, a changed byte is never taken for a record, and a
// journal cut anywhere yields the records before the cut and leaves the rest unconsumed.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import {
  crc32,
  decode,
  encode,
  type IndexRecord,
  MAX_RECORD_BYTES,
  parseLines
} from "../src/FileQuarantineIndexRecord.ts"
import { indexRows } from "./support/indexRows.ts"

const { id, fullRow, timesRow } = indexRows({ id: 60, text: 300, recipients: 20 })
const record: fc.Arbitrary<IndexRecord> = fc.oneof(
  fullRow.map((row) => ({ kind: "add" as const, row })),
  timesRow.map((row) => ({ kind: "add" as const, row })),
  id.map((i) => ({ kind: "remove" as const, id: i }))
)

const join = (parts: ReadonlyArray<Uint8Array>) => Buffer.concat(parts)

describe("index journal records", () => {
  test("crc32 is the IEEE one", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926)
  })

  test.prop([fc.uint8Array({ maxLength: 5000 })])("decode never throws on arbitrary bytes", (bytes) => {
    decode(bytes)
    parseLines(bytes)
  })

  test.prop([record])("a record round-trips on one line that fits one write", (r) => {
    const line = encode(r)
    expect(line.length).toBeLessThanOrEqual(MAX_RECORD_BYTES)
    expect(line[line.length - 1]).toBe(0x0a)
    expect(line.subarray(0, -1).includes(0x0a)).toBe(false)
    const back = decode(line.subarray(0, -1))
    // A row too long for one record keeps its times only.
    if (r.kind === "add" && "recipients" in r.row && back?.kind === "add" && !("recipients" in back.row))
      expect(back).toEqual({ kind: "add", row: { id: r.row.id, received: r.row.received, stored: r.row.stored } })
    else expect(back).toEqual(r)
  })

  test("a row with long text is kept with its times only", () => {
    const row = { id: "a", received: "x", stored: "y", sender: "", from: "", subject: "s".repeat(5000), recipients: [] }
    expect(decode(encode({ kind: "add", row }).subarray(0, -1))).toEqual({
      kind: "add",
      row: { id: "a", received: "x", stored: "y" }
    })
  })

  test.prop([record, fc.nat(), fc.integer({ min: 1, max: 255 })])(
    "a record with one byte changed is not a record",
    (r, at, flip) => {
      const line = encode(r).slice(0, -1)
      const i = at % line.length
      line[i] = line[i]! ^ flip
      if (line.includes(0x0a)) return // a changed byte that became a line end: two lines, see below
      expect(decode(line)).toBeUndefined()
    }
  )

  test.prop([fc.array(record, { maxLength: 20 }), fc.nat()])(
    "a journal cut anywhere: the whole records before the cut, the torn one left unconsumed",
    (records, cutAt) => {
      const lines = records.map(encode)
      const bytes = join(lines)
      const cut = bytes.length === 0 ? 0 : cutAt % (bytes.length + 1)
      const parsed = parseLines(bytes.subarray(0, cut))
      let whole = 0
      let end = 0
      for (const l of lines) {
        if (end + l.length > cut) break
        end += l.length
        whole++
      }
      expect(parsed.bad).toBe(0)
      expect(parsed.records).toEqual(lines.slice(0, whole).map((l) => decode(l.subarray(0, -1))))
      expect(parsed.consumed).toBe(end)
    }
  )

  test.prop([fc.array(record, { minLength: 2, maxLength: 10 }), fc.nat(), fc.nat()])(
    "a torn record followed by later appends is counted bad, the others still read",
    (records, which, cutAt) => {
      const lines = records.map(encode)
      const i = which % lines.length
      const torn = lines[i]!.subarray(0, 1 + (cutAt % (lines[i]!.length - 2)))
      const parsed = parseLines(join([...lines.slice(0, i), torn, ...lines.slice(i + 1)]))
      if (i === lines.length - 1) expect(parsed.bad).toBe(0)
      else expect(parsed.bad).toBe(1)
      expect(parsed.records.length).toBe(i === lines.length - 1 ? lines.length - 1 : lines.length - 2)
    }
  )
})
