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
    ["photo.jpg\u200b.scr", "scr", false],
    // Windows cuts a name at NUL, and `::$DATA` names a file's own contents.
    ["invoice.exe\u0000.pdf", "exe", false],
    ["invoice.EXE::$DATA", "exe", false],
    // Persian writes ZWNJ inside words, emoji sequences join with ZWJ, RTL names carry RLM: ordinary names.
    ["\u06af\u0632\u0627\u0631\u0634\u200c\u0647\u0627.pdf", "pdf", false],
    ["\u{1f468}\u200d\u{1f469}\u200d\u{1f467}.jpg", "jpg", false],
    ["\u05d3\u05d5\u05d7\u200f.docx", "docx", false],
    ["report\u2067fdp.exe\u2069", "exe", true]
  ])("%j -> %j (disguised: %j)", (name, extension, disguised) => {
    expect(readName(name)).toEqual({ extension, disguised })
  })

  test.prop([fc.string({ maxLength: 300 })])("never throws; the extension is lower-case and dot-free", (name) => {
    const r = readName(name)
    expect(r.extension).toBe(r.extension.toLowerCase())
    expect(r.extension.includes(".")).toBe(false)
  })
})
