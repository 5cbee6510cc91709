// A real redis-server on 127.0.0.1 and a free port, in a temp dir, stopped by PID.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { rmSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

export const freeTcpPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

export interface RedisPeer {
  readonly url: string
  readonly stop: () => Promise<void>
}

/** Starts redis-server; a port taken between our probe and its bind is retried with a new one. */
export const startRedis = async (): Promise<RedisPeer> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisOnce()
    } catch (error) {
      if (attempt >= 3 || !/did not start/.test((error as Error).message)) throw error
    }
  }
}

const startRedisOnce = async (): Promise<RedisPeer> => {
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0)
    throw new Error('redis-server is not installed: install the Debian package "redis-server"')
  const dir = tempDir("mailmoat-redis-")
  const port = await freeTcpPort()
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    {
      stdio: ["ignore", "pipe", "pipe"]
    }
  )
  let out = ""
  child.stdout?.on("data", (d) => {
    out += String(d)
  })
  // Ends on its ready line or its exit; the bound only catches a hang (100 polls of 50 ms were
  // ~5 s, which a start on a machine at load 80 can take).
  for (
    const deadline = Date.now() + 60_000;
    !out.includes("Ready to accept connections") && child.exitCode === null && Date.now() < deadline;
  )
    await new Promise((r) => setTimeout(r, 50))
  if (!out.includes("Ready to accept connections")) {
    child.kill("SIGKILL")
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`redis-server did not start: ${out}`)
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r))
        child.kill("SIGTERM")
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
        if (child.exitCode === null) child.kill("SIGKILL")
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
