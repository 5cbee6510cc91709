// The journal lock (`FileQuarantineJournal.withLock`): one holder at a time, also when several
// take over the lock a dead process left.
import { spawnSync } from "node:child_process"
import { existsSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import * as Journal from "../src/FileQuarantineJournal.ts"
import { tempDir } from "../../../test/support/temp-dirs.ts"

/** The pid of a process that has exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"])
  return Number(child.stdout.toString())
}

/**
 * Forty rounds of four takers, each waiting for the holder by polling every 50 ms, a dozen file
 * operations a take: 6 s in a full run, 12 s alone at load 41, and past the default 30 s at load
 * 31 inside the package's suite. The work is bounded: a round ends once the four took turns.
 */
const ROUNDS_TIMEOUT_MS = 150_000

describe("FileQuarantineJournal.withLock", () => {
  test("of several takers of a dead holder's lock one holds it at a time, round after round", {
    timeout: ROUNDS_TIMEOUT_MS
  }, async () => {
    const dir = tempDir("mailmoat-lock-")
    const dead = deadPid()
    let inside = 0
    let most = 0
    for (let round = 0; round < 40; round++) {
      const lock = join(dir, `index.log.lock.${round}`)
      writeFileSync(lock, `${dead}\n`)
      await Promise.all(
        Array.from({ length: 4 }, async (_, k) => {
          // Started a little apart, as processes are: one's take-over lands between another's steps.
          for (let i = 0; i < k * (round % 5); i++) await new Promise((resolve) => setImmediate(resolve))
          await Journal.withLock(lock, async () => {
            inside++
            most = Math.max(most, inside)
            await new Promise((resolve) => setTimeout(resolve, 5))
            inside--
          })
        })
      )
    }
    expect(most).toBe(1)
  })

  test("a break lock left by a taker that died is removed once old; the dead holder's lock is then taken", async () => {
    const dir = tempDir("mailmoat-lock-")
    const lock = join(dir, "index.log.lock")
    writeFileSync(lock, `${deadPid()}\n`)
    writeFileSync(`${lock}.break`, "")
    const old = new Date(Date.now() - 60_000)
    utimesSync(`${lock}.break`, old, old)
    expect(await Journal.withLock(lock, async () => "held")).toBe("held")
    expect([existsSync(lock), existsSync(`${lock}.break`)]).toEqual([false, false])
  })
})
