// The BUILT gateway (node apps/gateway/dist/main.js) in its own process, for tests of what only a
// real process shows: the multi-process mode, signals, exit codes. The YAML's `$DIR` is replaced
// by a fresh temporary folder, which is also the working directory.
import { spawn } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, vi } from "vitest"
import { tempDir } from "./peers.ts"

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url))

/** `options.nodeArgs` go to node before main.js (e.g. `--import` a preload), `options.env` adds variables. */
export const spawnGateway = (
  yaml: string,
  options: { readonly nodeArgs?: ReadonlyArray<string>; readonly env?: Readonly<Record<string, string>> } = {}
) => {
  if (!existsSync(main)) throw new Error("apps/gateway is not built: run `pnpm exec turbo run build` first")
  const dir = tempDir()
  writeFileSync(join(dir, "mailmoat.yaml"), yaml.replaceAll("$DIR", dir))
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main, "--config", join(dir, "mailmoat.yaml")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env }
  })
  const out = { text: "" }
  child.stdout!.on("data", (d: Buffer) => (out.text += d.toString()))
  child.stderr!.on("data", (d: Buffer) => (out.text += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
  return { dir, child, out, exited }
}

/** The pids of the multi-process mode's workers, once both have said they serve SMTP. */
export const workerPids = (text: string) => ({
  worker0: Number(/\(worker 0, pid (\d+)\)/.exec(text)?.[1]),
  worker1: Number([...text.matchAll(/worker 1 \(pid (\d+)\) serving SMTP/g)].at(-1)?.[1])
})

/**
 * Starts the built gateway with a preload (`options.nodeArgs`, `options.env`) that writes a JSON
 * reading to `file` (in the gateway's folder) on SIGUSR2, sends the signal once the gateway
 * listens, and resolves with the reading; the gateway is stopped either way.
 */
export const readingAfterStart = async <T>(
  yaml: string,
  options: { readonly nodeArgs?: ReadonlyArray<string>; readonly env?: Readonly<Record<string, string>> },
  file: string
): Promise<T> => {
  const gw = spawnGateway(yaml, options)
  try {
    await vi.waitFor(() => expect(gw.out.text).toContain("Press Ctrl+C to stop."), { timeout: 60_000, interval: 100 })
    gw.child.kill("SIGUSR2")
    const path = join(gw.dir, file)
    await vi.waitFor(() => expect(existsSync(path)).toBe(true), { timeout: 60_000, interval: 100 })
    return JSON.parse(readFileSync(path, "utf8")) as T
  } finally {
    gw.child.kill("SIGTERM")
    await gw.exited
  }
}
