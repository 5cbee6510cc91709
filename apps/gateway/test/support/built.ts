// The BUILT gateway (node apps/gateway/dist/main.js) in its own process, for tests of what only a
// real process shows: the multi-process mode, signals, exit codes. The YAML's `$DIR` is replaced
// by a fresh temporary folder, which is also the working directory.
import { spawn } from "node:child_process"
import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { tempDir } from "./peers.ts"

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url))

export const spawnGateway = (yaml: string) => {
  if (!existsSync(main)) throw new Error("apps/gateway is not built: run `pnpm exec turbo run build` first")
  const dir = tempDir()
  writeFileSync(join(dir, "mailmoat.yaml"), yaml.replaceAll("$DIR", dir))
  const child = spawn(process.execPath, [main, "--config", join(dir, "mailmoat.yaml")], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"]
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
