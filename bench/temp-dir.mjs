// The bench scripts' temporary folders: each is removed when the script's process exits, however
// it ends (done, a failed check, an uncaught error, process.exit, Ctrl-C or SIGTERM), so a bench
// run leaves nothing in the OS temp dir. MM_KEEP_TMP=1 keeps them and prints where they are.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const made = []

const removeAll = () => {
  if (process.env.MM_KEEP_TMP === "1") {
    if (made.length > 0) console.error(`MM_KEEP_TMP=1: kept\n  ${made.join("\n  ")}`)
    return
  }
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
}

const onSignal = (signal, code) => () => {
  // A bench with its own handler stops its children and exits itself (the exit hook then runs).
  if (process.listenerCount(signal) === 1) process.exit(code)
}

/** A fresh folder `$TMPDIR/<prefix>XXXXXX`, removed when this process exits. */
export const benchTempDir = (prefix) => {
  if (made.length === 0) {
    process.on("exit", removeAll)
    process.on("SIGINT", onSignal("SIGINT", 130))
    process.on("SIGTERM", onSignal("SIGTERM", 143))
  }
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
