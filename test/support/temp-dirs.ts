// The tests' temporary directories: each is made under the OS temp dir (os.tmpdir(), i.e. $TMPDIR)
// and removed with everything in it when the test file that made it ends, passed, failed or timed
// out. The removal is an afterAll hook of every package's vitest setup file
// (test/support/temp-dirs-setup.ts), registered before any hook of the test file: vitest runs
// afterAll hooks last-registered first, so the file's own hooks stop the servers and gateways it
// started (by PID) before their folders go. MM_KEEP_TMP=1 keeps them and names them instead.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Folders made since the current test file started (one list per worker: files run one by one). */
const made: Array<string> = []

/**
 * Set to keep every temporary folder of the run for debugging (their paths are printed). Not a
 * MAILMOAT_ name: the gateway and the CLI read every MAILMOAT_* variable as a configuration
 * override (packages/core/src/config/EnvOverrides.ts), and would refuse to start under it.
 */
export const keepTemp = (): boolean => process.env.MM_KEEP_TMP === "1"

/** A fresh, empty directory `$TMPDIR/<prefix>XXXXXX`, removed when the current test file ends. */
export const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Removes every folder made since the last call (or names them under MM_KEEP_TMP=1). */
export const removeTempDirs = (): void => {
  const dirs = made.splice(0)
  if (keepTemp()) {
    if (dirs.length > 0) console.log(`MM_KEEP_TMP=1: kept\n  ${dirs.join("\n  ")}`)
    return
  }
  // Retries: a process stopped a moment ago may still be closing a file in it.
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
}
