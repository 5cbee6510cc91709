// List documents as files: the stamp tells a missing list, a written one and a changed one apart.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { make } from "../src/FileListDocuments.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

describe("FileListDocuments", () => {
  it("a list never written has no stamp and no text; writing one gives both; a change moves the stamp", () => {
    const dir = join(tempDir("mailmoat-lists-"), "lists")
    const docs = make(dir)
    expect(docs.stamp("allow")).toBeUndefined()
    expect(docs.read("allow")).toBeUndefined()
    docs.write("allow", "a@example.test\n")
    const first = docs.stamp("allow")
    expect(first).toMatch(/^[\d.]+:15:\d+$/)
    expect(docs.read("allow")).toBe("a@example.test\n")
    writeFileSync(join(dir, "allow.list"), "a@example.test\nb@example.test\n")
    expect(docs.stamp("allow")).not.toBe(first)
    expect(docs.stamp("deny")).toBeUndefined()
  })

  it("a path that cannot be examined (a file where the directory should be) has no stamp", () => {
    const base = tempDir("mailmoat-lists-")
    writeFileSync(join(base, "file"), "x")
    expect(make(join(base, "file")).stamp("allow")).toBeUndefined()
  })
})
