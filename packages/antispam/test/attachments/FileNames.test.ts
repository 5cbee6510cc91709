import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { readName } from "../../src/attachments/FileNames.ts"

describe("readName", () => {
  it.each([
    ["invoice.pdf", "pdf", false],
    ["Invoice.PDF.EXE", "exe", false],
    ["invoice.exe.", "exe", false],
    ["invoice.exe  . ", "exe", false],
    ["dir/sub/run.js", "js", false],
    ["C:\\Users\\x\\run.vbs", "vbs", false],
    ["noextension", "", false],
    [".hidden", "hidden", false],
    ["report\u202efdp.exe", "exe", true],
    ["photo.jpg\u200b.scr", "scr", true]
  ])("%j -> %j (disguised: %j)", (name, extension, disguised) => {
    expect(readName(name)).toEqual({ extension, disguised })
  })

  test.prop([fc.string({ maxLength: 300 })])("never throws; the extension is lower-case and dot-free", (name) => {
    const r = readName(name)
    expect(r.extension).toBe(r.extension.toLowerCase())
    expect(r.extension.includes(".")).toBe(false)
  })
})
