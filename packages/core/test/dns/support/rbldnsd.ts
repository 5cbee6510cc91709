// Test peers for DNS work: a real rbldnsd on 127.0.0.1 and an ephemeral port, and a UDP
// socket that never answers. Loopback only; every wait is bounded; stopped by PID.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { createSocket, type Socket } from "node:dgram"
import { promises as dnsPromises } from "node:dns"
import { chmodSync, existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { tempDir } from "../../../../../test/support/temp-dirs.ts"

export interface ZoneData {
  /** Zone name, e.g. bl.test */
  readonly zone: string
  /** rbldnsd dataset type: ip4set, ip6trie, dnset, ... */
  readonly type: string
  /** Dataset file content. */
  readonly data: string
}

export interface Rbldnsd {
  readonly port: number
  /** `127.0.0.1:PORT`, for `dns.servers`. */
  readonly server: string
  /** Queries received since start (or the last `resetQueries`), as `qname QTYPE`. */
  readonly queries: () => ReadonlyArray<string>
  readonly settledQueries: () => Promise<ReadonlyArray<string>>
  readonly resetQueries: () => void
  /** Replaces zone `index`'s data and makes rbldnsd reload it (SIGHUP), waiting until it answers again. */
  readonly reload: (
    index: number,
    data: string,
    until: { readonly name: string; readonly listed: boolean }
  ) => Promise<void>
  readonly stop: () => Promise<void>
}

/** A free UDP port on 127.0.0.1 (bind to 0, read it, close). */
export const freeUdpPort = async (): Promise<number> => {
  const s = createSocket("udp4")
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()))
  const port = s.address().port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

const requireBinary = (name: string) => {
  const found = spawnSync("sh", ["-c", `command -v ${name} || ls /usr/sbin/${name}`], { encoding: "utf8" })
  if (found.status !== 0)
    throw new Error(
      `${name} is not installed: install the Debian package "${name}" (scripts/test.mjs installs test peers)`
    )
}

/** True once `file` mentions `name` (polled for up to a second). */
const logged = async (file: string, name: string): Promise<boolean> => {
  for (let i = 0; i < 20; i++) {
    if (existsSync(file) && readFileSync(file, "utf8").includes(name)) return true
    await new Promise((res) => setTimeout(res, 50))
  }
  return false
}

export const startRbldnsd = async (zones: ReadonlyArray<ZoneData>): Promise<Rbldnsd> => {
  requireBinary("rbldnsd")
  const dir = tempDir("mailmoat-rbldnsd-")
  chmodSync(dir, 0o777) // rbldnsd drops to `nobody` when started as root and must write its log here
  const args: Array<string> = []
  zones.forEach((z, i) => {
    const file = `z${i}.${z.type}`
    writeFileSync(join(dir, file), z.data, { mode: 0o644 })
    args.push(`${z.zone}:${z.type}:${file}`)
  })
  let child: ChildProcess | undefined
  let port = 0
  let stderr = ""
  for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
    port = await freeUdpPort()
    const user = process.getuid?.() === 0 ? ["-u", "nobody"] : []
    const c = spawn(
      "rbldnsd",
      ["-n", ...user, "-b", `127.0.0.1/${port}`, "-w", dir, "-l", "+query.log", "-t", "60", "-c", "0", ...args],
      {
        stdio: ["ignore", "ignore", "pipe"]
      }
    )
    c.stderr?.on("data", (d) => {
      stderr += String(d)
    })
    const r = new dnsPromises.Resolver({ timeout: 200, tries: 1 })
    r.setServers([`127.0.0.1:${port}`])
    const probe = `ready.${zones[0]!.zone}`
    let ready = false
    for (let i = 0; i < 50 && !ready && c.exitCode === null; i++) {
      try {
        await r.resolve4(probe)
        ready = true
      } catch (e) {
        const code = (e as { code?: string }).code
        if (code === "ENOTFOUND" || code === "ENODATA") ready = true
        else await new Promise((res) => setTimeout(res, 100))
      }
    }
    // "No such name" can come from another server that took the port between the probe for a free
    // port and rbldnsd's bind (the tests' loopback resolver answers every name so): only our own
    // rbldnsd logs the probe, so the port is ours once the log shows it.
    if (ready && !(await logged(join(dir, "query.log"), probe))) ready = false
    if (ready) child = c
    else c.kill("SIGKILL")
  }
  if (child === undefined) throw new Error(`rbldnsd did not start: ${stderr}`)
  const logFile = join(dir, "query.log")
  let baseline = 0
  const allLines = () =>
    existsSync(logFile)
      ? readFileSync(logFile, "utf8")
          .split("\n")
          .filter((l) => l.length > 0)
      : []
  // Drop the readiness probes.
  baseline = allLines().length
  const proc = child
  return {
    port,
    server: `127.0.0.1:${port}`,
    queries: () =>
      allLines()
        .slice(baseline)
        .map((l) => {
          const f = l.split(" ") // "<time> <client> <qname> <qtype> IN: <rcode>/..."
          return `${f[2]} ${f[3]}`
        })
        .filter((q) => !q.startsWith("ready.")),
    settledQueries: async () => {
      // rbldnsd writes the log line around the time it answers: wait until the count is stable.
      let last = -1
      for (let i = 0; i < 20; i++) {
        const n = allLines().length
        if (n === last) break
        last = n
        await new Promise((r) => setTimeout(r, 50))
      }
      return allLines()
        .slice(baseline)
        .map((l) => {
          const f = l.split(" ")
          return `${f[2]} ${f[3]}`
        })
        .filter((q) => !q.startsWith("ready."))
    },
    resetQueries: () => {
      baseline = allLines().length
    },
    reload: async (index, data, until) => {
      const z = zones[index]!
      const file = join(dir, `z${index}.${z.type}`)
      writeFileSync(file, data, { mode: 0o644 })
      const later = new Date(Date.now() + 60_000 * (index + 1) + Math.random() * 1000)
      utimesSync(file, later, later) // rbldnsd reloads only files whose mtime changed
      proc.kill("SIGHUP")
      const r = new dnsPromises.Resolver({ timeout: 200, tries: 1 })
      r.setServers([`127.0.0.1:${port}`])
      for (let i = 0; i < 50; i++) {
        const listed = await r.resolve4(until.name).then(
          () => true,
          () => false
        )
        if (listed === until.listed) return
        await new Promise((res) => setTimeout(res, 50))
      }
      throw new Error(`rbldnsd did not reload zone ${z.zone}`)
    },
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r))
        proc.kill("SIGTERM")
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
        if (proc.exitCode === null) proc.kill("SIGKILL")
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A UDP "DNS server" that reads queries and never answers. */
export const startSilentDns = async (): Promise<{
  server: string
  received: () => number
  stop: () => Promise<void>
}> => {
  const s: Socket = createSocket("udp4")
  let count = 0
  s.on("message", () => {
    count++
  })
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()))
  return {
    server: `127.0.0.1:${s.address().port}`,
    received: () => count,
    stop: () => new Promise<void>((r) => s.close(() => r()))
  }
}
