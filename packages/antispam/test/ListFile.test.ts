import { join } from "node:path"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { formatListFile, type ListKind, normaliseEntry, parseListFile } from "../src/lists/ListFile.ts"
import { FileListDocuments } from "@mailmoat/platform-node"
import { ListImportError, make as makeListStore } from "../src/lists/ListStore.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const zone = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z0-9]{1,10}$/), { minLength: 2, maxLength: 4 }),
    fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined })
  )
  .map(([labels, code]) => `${labels.join(".")}${code === undefined ? "" : `:127.0.0.${code}`}`)
const endUser = fc.oneof(
  fc.ipV4(),
  fc.emailAddress(),
  fc.domain(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 })).map(([ip, n]) => `${ip}/${n}`)
)
const entriesOf = (kind: ListKind, raw: ReadonlyArray<string>) => {
  const out: Array<string> = []
  for (const r of raw) {
    try {
      const v = normaliseEntry(kind, r)
      if (!out.includes(v)) out.push(v)
    } catch {
      // fast-check may build entries our stricter grammar refuses; they are not list members.
    }
  }
  return out
}

describe("list file format", () => {
  test.prop([fc.array(zone, { maxLength: 20 })])("rbl: parse(format(x)) = x", (raw) => {
    const entries = entriesOf("rbl", raw)
    expect(parseListFile("rbl", formatListFile("rbl", entries))).toEqual({ ok: true, entries })
  })
  test.prop([fc.array(endUser, { maxLength: 20 })])("enduser: parse(format(x)) = x", (raw) => {
    const entries = entriesOf("enduser", raw)
    expect(parseListFile("enduser", formatListFile("enduser", entries))).toEqual({ ok: true, entries })
  })
  test.prop([fc.string({ maxLength: 300 })])("never throws on arbitrary text", (s) => {
    parseListFile("dnsbl", s)
  })

  it("allows comments and blank lines; reports every bad line with its number and imports nothing", () => {
    const good = "# our lists\n\nbl.example   # main\nzen.example:127.0.0.4\n"
    expect(parseListFile("rbl", good)).toEqual({ ok: true, entries: ["bl.example", "zen.example:127.0.0.4"] })
    const bad = "bl.example\nnot a zone\nzen.example:10.0.0.1\n"
    const r = parseListFile("rbl", bad)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors.map((e) => e.line)).toEqual([2, 3])
  })

  const dir = tempDir("mailmoat-lists-")
  it("store-backed import/export: import(export(x)) = x, a bad import changes nothing", () => {
    const store = makeListStore(FileListDocuments.make(dir))
    expect(store.exportList("dnsbl")).toBe(formatListFile("dnsbl", []))
    expect(store.importList("dnsbl", "dbl.example\nuri.example:127.0.1.2\n")).toBe(2)
    const exported = store.exportList("dnsbl")
    expect(store.entries("dnsbl")).toEqual(["dbl.example", "uri.example:127.0.1.2"])
    expect(() => store.importList("dnsbl", "ok.example\n\n  bad entry here\n")).toThrow(ListImportError)
    try {
      store.importList("dnsbl", "ok.example\n\nbad..zone\n")
    } catch (e) {
      expect((e as ListImportError).errors.map((x) => x.line)).toEqual([3])
      expect((e as Error).message).toMatch(/line 3/)
    }
    expect(store.exportList("dnsbl")).toBe(exported)
    expect(makeListStore(FileListDocuments.make(dir)).importList("dnsbl", exported)).toBe(2)
    expect(store.entries("dnsbl")).toEqual(["dbl.example", "uri.example:127.0.1.2"])
  })
})
