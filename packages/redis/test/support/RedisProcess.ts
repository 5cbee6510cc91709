// One redis-server (or sentinel) process on 127.0.0.1 and a free port, in its own temp dir,
// stopped, paused and resumed by PID only.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { freeTcpPort } from "../../../antispam/test/support/redis.ts"
import { tempDir } from "../../../../test/support/temp-dirs.ts"

export { freeTcpPort }

export interface RedisProcess {
  readonly port: number
  readonly dir: string
  readonly pid: number
  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  readonly pause: () => void
  readonly resume: () => void
  /** SIGKILL, as a crash. */
  readonly kill: () => Promise<void>
  /** Stops it (SIGTERM, then SIGKILL) and removes its directory. */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port and directory after `kill`. */
  readonly restart: () => Promise<void>
}

const installed = () => spawnSync("sh", ["-c", "command -v redis-server"]).status === 0

const exited = (child: ChildProcess, millis: number) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : Promise.race([new Promise((r) => child.once("exit", r)), new Promise((r) => setTimeout(r, millis))])

/**
 * Starts `redis-server <conf>` where conf holds `lines` plus port/bind/dir; `tlsPort` true puts the
 * free port on `tls-port` (plain port off). Resolves once the log says it is ready.
 */
export const startRedisProcess = async (
  lines: ReadonlyArray<string>,
  options: { readonly sentinel?: boolean; readonly tlsPort?: boolean; readonly dir?: string } = {}
): Promise<RedisProcess> => {
  if (!installed()) throw new Error('redis-server is not installed: install the Debian package "redis-server"')
  for (let attempt = 1; ; attempt++) {
    const dir = options.dir ?? tempDir("mailmoat-redis-")
    const port = await freeTcpPort()
    const listen = options.tlsPort ? [`port 0`, `tls-port ${port}`] : [`port ${port}`]
    const conf = [...listen, "bind 127.0.0.1", `dir ${dir}`, 'save ""', "appendonly no", ...lines].join("\n")
    writeFileSync(join(dir, "redis.conf"), `${conf}\n`)
    const args = [join(dir, "redis.conf"), ...(options.sentinel ? ["--sentinel"] : [])]
    let child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] })
    const waitReady = async (c: ChildProcess) => {
      let out = ""
      const collect = (d: Buffer) => {
        out += String(d)
      }
      c.stdout?.on("data", collect)
      c.stderr?.on("data", collect)
      const ready = () => /Ready to accept connections|Sentinel ID is/.test(out)
      // Ends on its ready line or its exit; the bound only catches a hang (200 polls of 25 ms were
      // ~5 s, which a start on a machine at load 80 can take).
      for (const deadline = Date.now() + 60_000; !ready() && c.exitCode === null && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 25))
      c.stdout?.off("data", collect)
      c.stdout?.resume()
      c.stderr?.resume()
      return ready() ? undefined : out
    }
    const failure = await waitReady(child)
    if (failure !== undefined) {
      child.kill("SIGKILL")
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true })
      if (attempt < 3 && /Address already in use/.test(failure)) continue
      throw new Error(`redis-server did not start: ${failure.slice(-2000)}`)
    }
    const kill = async () => {
      child.kill("SIGCONT")
      child.kill("SIGKILL")
      await exited(child, 3000)
    }
    return {
      port,
      dir,
      get pid() {
        return child.pid ?? -1
      },
      pause: () => void child.kill("SIGSTOP"),
      resume: () => void child.kill("SIGCONT"),
      kill,
      restart: async () => {
        await kill()
        child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] })
        const again = await waitReady(child)
        if (again !== undefined) throw new Error(`redis-server did not restart: ${again.slice(-2000)}`)
      },
      stop: async () => {
        child.kill("SIGCONT")
        child.kill("SIGTERM")
        await exited(child, 3000)
        if (child.exitCode === null && child.signalCode === null) await kill()
        if (options.dir === undefined) rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

/** `redis-cli -p port args...` (synchronous: only for set-up steps). */
export const redisCli = (port: number, args: ReadonlyArray<string>, extra: ReadonlyArray<string> = []): string => {
  const r = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...extra, ...args], {
    encoding: "utf8",
    timeout: 20_000
  })
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${r.stderr || r.stdout}`)
  return r.stdout
}
