// The test command's temporary-file checks: the runner's per-suite folders find and name what a
// suite leaves behind (scripts/test-temp.mjs), and a test file's folders go when it ends
// (test/support/temp-dirs.ts).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script of the repository, without declarations
import { startTempRun } from "../scripts/test-temp.mjs"
import { removeTempDirs, tempDir } from "./support/temp-dirs.ts"

interface TempRun {
  readonly run: string
  suiteEnv(): NodeJS.ProcessEnv & { TMPDIR: string }
  checkSuite(label: string, env: NodeJS.ProcessEnv): ReadonlyArray<string>
  outside(): ReadonlyArray<string>
  finish(): { run: string; kept: boolean }
}
const start = (): TempRun => startTempRun() as TempRun

afterEach(() => {
  delete process.env.MM_KEEP_TMP
})

describe("npm test's temp folders (scripts/test-temp.mjs)", () => {
  it("a suite that leaves nothing passes; what one leaves is named with the suite and package", () => {
    const temp = start()
    try {
      const clean = temp.suiteEnv()
      mkdirSync(join(clean.TMPDIR, "vitest-core"))
      expect(temp.checkSuite("clean suite", clean)).toEqual([])

      const leaky = temp.suiteEnv()
      expect(leaky.TMPDIR).not.toBe(clean.TMPDIR)
      expect(readdirSync(leaky.TMPDIR)).toEqual([])
      writeFileSync(join(leaky.TMPDIR, "mailmoat-smoke-abc123"), "")
      mkdirSync(join(leaky.TMPDIR, "vitest-gateway", "mailmoat-gw-def456"), { recursive: true })
      expect([...temp.checkSuite("leaky suite", leaky)].sort()).toEqual([
        `leaky suite (gateway): ${join(leaky.TMPDIR, "vitest-gateway", "mailmoat-gw-def456")}`,
        `leaky suite: ${join(leaky.TMPDIR, "mailmoat-smoke-abc123")}`
      ])
    } finally {
      expect(temp.finish().kept).toBe(false)
    }
    expect(existsSync(temp.run)).toBe(false)
  })

  it("names entries with our prefixes that appear beside the run's folder, not the run folders themselves", () => {
    const temp = start()
    try {
      const other = tempDir("mailmoat-outside-")
      tempDir("mailmoat-test-") // another run's folder
      tempDir("unrelated-")
      expect(temp.outside()).toEqual([other])
    } finally {
      temp.finish()
    }
  })

  it("MM_KEEP_TMP=1 keeps the run's folder", () => {
    process.env.MM_KEEP_TMP = "1"
    const { run, kept } = start().finish()
    expect(kept).toBe(true)
    expect(existsSync(run)).toBe(true)
    rmSync(run, { recursive: true }) // kept on purpose: removed here by hand
  })
})

describe("a test file's temp folders (test/support/temp-dirs.ts)", () => {
  it("are made under TMPDIR and removed with their contents", () => {
    const dir = tempDir("mailmoat-helper-")
    expect(dir.startsWith(join(tmpdir(), "mailmoat-helper-"))).toBe(true)
    mkdirSync(join(dir, "sub"))
    writeFileSync(join(dir, "sub", "file"), "x")
    removeTempDirs()
    expect(existsSync(dir)).toBe(false)
  })

  it("MM_KEEP_TMP=1 keeps them", () => {
    removeTempDirs() // the earlier cases' folders: only this one is to be kept
    process.env.MM_KEEP_TMP = "1"
    const dir = tempDir("mailmoat-helper-")
    removeTempDirs()
    expect(existsSync(dir)).toBe(true)
    rmSync(dir, { recursive: true }) // kept on purpose: removed here by hand
  })
})
