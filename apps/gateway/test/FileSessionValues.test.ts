import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { fileSessionValues } from "../src/quarantine-web/FileSessionValues.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

const folder = () => join(tempDir("mm-websessions-"), "web-sessions")
const NAME = "A".repeat(43)

describe("fileSessionValues", () => {
  it("a folder that cannot be written (full disk, read-only, not a folder) keeps logins in memory instead", async () => {
    const blocker = join(tempDir("mm-websessions-"), "file")
    writeFileSync(blocker, "not a folder")
    const values = fileSessionValues(join(blocker, "web-sessions"))
    await values.set(NAME, "v", 60_000)
    expect(await values.get(NAME)).toBe("v")
    await values.remove(NAME)
    expect(await values.get(NAME)).toBeUndefined()
  })

  it("keeps a session across instances (a restart), 0600, until it expires or is removed", async () => {
    const dir = folder()
    let t = 1_000_000
    await fileSessionValues(dir, () => t).set(NAME, '{"csrf":"c"}', 60_000)
    const again = fileSessionValues(dir, () => t)
    expect(await again.get(NAME)).toBe('{"csrf":"c"}')
    expect(statSync(join(dir, `${NAME}.session`)).mode & 0o777).toBe(0o600)
    t += 60_000
    expect(await again.get(NAME)).toBeUndefined()
    t -= 1
    await again.remove(NAME)
    expect(await again.get(NAME)).toBeUndefined()
  })

  it("prunes expired sessions and stale temporary files when one is opened (at most once a minute)", async () => {
    const dir = folder()
    let t = 1_000_000
    const values = fileSessionValues(dir, () => t)
    await values.set(`${NAME}1`, "old", 1000)
    writeFileSync(join(dir, ".dead.tmp"), "x")
    utimesSync(join(dir, ".dead.tmp"), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000))
    writeFileSync(join(dir, ".fresh.tmp"), "x")
    t += 60_000
    await values.set(`${NAME}2`, "new", 1000)
    expect(readdirSync(dir).sort()).toEqual([".fresh.tmp", `${NAME}2.session`])
  })

  it("keeps at most 1,000, dropping those nearest expiry", async () => {
    const dir = folder()
    const t = 1_000_000
    const values = fileSessionValues(dir, () => t)
    for (let i = 0; i < 1000; i++) await values.set(`${NAME}${String(i).padStart(4, "0")}`, "v", 10_000 + i)
    await values.set(`${NAME}new`, "v", 100_000)
    const files = readdirSync(dir)
    expect(files).toHaveLength(1000)
    expect(files).not.toContain(`${NAME}0000.session`)
    expect(files).toContain(`${NAME}new.session`)
  }, 60_000)

  it("a corrupt file is no session", async () => {
    const dir = folder()
    const values = fileSessionValues(dir)
    await values.set(NAME, "v", 60_000)
    writeFileSync(join(dir, `${NAME}.session`), "{not json")
    expect(await values.get(NAME)).toBeUndefined()
  })

  test.prop([fc.string({ maxLength: 200 })])(
    "a name that is not a digest never reaches the file system",
    async (name) => {
      const dir = folder()
      const values = fileSessionValues(dir)
      if (/^[A-Za-z0-9_-]{16,128}$/.test(name)) return
      await expect(values.set(name, "v", 1000)).rejects.toThrow(/not a digest/)
      expect(await values.get(name)).toBeUndefined()
      await values.remove(name)
    }
  )

  it("stores the value, never more: the file is the value and its expiry", async () => {
    const dir = folder()
    await fileSessionValues(dir, () => 5).set(NAME, "the-value", 10)
    expect(JSON.parse(readFileSync(join(dir, `${NAME}.session`), "utf8"))).toEqual({ value: "the-value", expires: 15 })
  })
})
