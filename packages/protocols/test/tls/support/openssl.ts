// Runs the real `openssl` binary against files and listeners the tests create (loopback only).
import { execFile, execFileSync } from "node:child_process"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { tempDir as makeTempDir } from "../../../../../test/support/temp-dirs.ts"

export const requireOpenssl = (): void => {
  try {
    execFileSync("sh", ["-c", "command -v openssl"], { stdio: "pipe" })
  } catch {
    throw new Error('openssl is not installed: install the Debian package "openssl" to run the TLS interception tests')
  }
}

export interface Run {
  readonly code: number
  readonly out: string
}

/** openssl with `args`; stdin is `input` (then closed); never rejects on a non-zero exit. */
export const openssl = (args: ReadonlyArray<string>, input = "", timeoutMs = 20_000): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = execFile("openssl", [...args], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      const code =
        error === null
          ? 0
          : typeof (error as { code?: unknown }).code === "number"
            ? ((error as { code: number }).code as number)
            : -1
      if (error !== null && code === -1 && (error as { killed?: boolean }).killed)
        reject(new Error(`openssl ${args[0]} timed out:\n${stdout}${stderr}`))
      else resolve({ code, out: `${stdout}${stderr}` })
    })
    // openssl may exit before it reads its input (verify, x509 on a file): the write then fails
    // with EPIPE, and the exit code and output above already say what happened.
    child.stdin?.on("error", () => {})
    child.stdin?.end(input)
  })

/** A fresh folder for openssl's files, removed by `remove` or else when the test file ends. */
export const tempDir = (): { dir: string; path: (name: string) => string; remove: () => void } => {
  const dir = makeTempDir("mailmoat-tls-")
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) }
}
