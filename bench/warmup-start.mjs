#!/usr/bin/env node
// What the gateway's start costs, build against build: CPU (utime + stime of the process, all
// threads, from /proc) and wall time from spawn to "ready" (the banner printed once the SMTP
// listener is open), and the `warmup` log line when there is one. The start-up side of the
// warm-up's account (docs/performance.md, "Warm-up, 2026-12-06 evening"); the message side is
// bench/peers.mjs' first and second runs.
//
//   node bench/warmup-start.mjs [--rounds 5] [--config FILE] CHECKOUT[+FLAG...] ...
//
// Each CHECKOUT is a repository with a built gateway (CHECKOUT/apps/gateway/dist/main.js); `+FLAG`
// passes `--FLAG` to that system's node (`.+interrupt-budget=67584`). The configuration (default:
// the peer harness's mailmoat.yaml) is started with its listeners on ephemeral loopback ports, its
// resolver on a silent loopback socket of this script and a fresh data folder per start; nothing
// is sent to it. Rounds alternate the order (A B, B A, ...).
// Prints one row per start and each system's median with its ratio to the first system's.
import { spawn } from "node:child_process"
import { createSocket } from "node:dgram"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const argv = process.argv.slice(2)
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const value = argv[i + 1]
  argv.splice(i, 2)
  return value
}
const rounds = Number(option("rounds", "5"))
const configFile = option("config", join(root, "..", "shared", "peers-bench", "mailmoat.yaml"))
const systems = argv.length > 0 ? argv : ["."]
const TICK_MS = 10 // USER_HZ = 100 on Linux
// The lists' health probes at start go to a socket of ours that never answers, not to a harness
// rbldnsd that may be serving someone else's run on the configuration's port.
const silent = createSocket("udp4")
await new Promise((r) => silent.bind(0, "127.0.0.1", r))
const silentServer = `127.0.0.1:${silent.address().port}`

const cpuMillis = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

const startOnce = (system) =>
  new Promise((done, fail) => {
    const [dir, ...flags] = system.split("+")
    const main = join(resolve(dir), "apps/gateway/dist/main.js")
    const data = benchTempDir("mm-warmup-start-")
    const yaml = readFileSync(configFile, "utf8")
      .replace(/^dataDir: .*$/m, `dataDir: ${data}`)
      .replace(/^(\s+port:) \d+$/gm, "$1 0")
      .replace(/servers: \["127\.0\.0\.1:\d+"\]/g, `servers: ["${silentServer}"]`)
    const config = join(data, "mailmoat.yaml")
    writeFileSync(config, yaml)
    const t0 = process.hrtime.bigint()
    const child = spawn(process.execPath, [...flags.map((f) => `--${f}`), main, "--config", config], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    const onData = (chunk) => {
      out += chunk
      if (!out.includes("Press Ctrl+C")) return
      const cpu = cpuMillis(child.pid)
      const wall = Number(process.hrtime.bigint() - t0) / 1e6
      child.stdout.off("data", onData)
      child.kill("SIGTERM")
      child.once("exit", () => {
        rmSync(data, { recursive: true, force: true })
        const w = /warmup messages=(\d+) cpu_ms=(\d+) wall_ms=(\d+) stopped="?(\w+)/.exec(out)
        done({ cpu, wall, warmup: w ? `${w[1]} msgs, ${w[2]} ms CPU, ${w[3]} ms, ${w[4]}` : "-" })
      })
    }
    child.stdout.setEncoding("utf8").on("data", onData)
    child.stderr.setEncoding("utf8").on("data", (c) => {
      out += c
    })
    child.once("exit", (code) => {
      if (!out.includes("Press Ctrl+C")) fail(new Error(`${system}: exited ${code} before ready:\n${out}`))
    })
  })

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

const results = new Map(systems.map((s) => [s, []]))
console.log("| round | system | load | CPU to ready ms | wall to ready ms | warm-up |")
console.log("|---|---|---|---|---|---|")
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 === 1 ? systems : [...systems].reverse()
  for (const system of order) {
    const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0]
    const r = await startOnce(system)
    results.get(system).push(r)
    console.log(`| ${round} | ${system} | ${load} | ${r.cpu} | ${r.wall.toFixed(0)} | ${r.warmup} |`)
  }
}
const first = results.get(systems[0])
console.log("\n| system | CPU to ready (median) | ratio to first [range] | wall to ready (median) | ratio [range] |")
console.log("|---|---|---|---|---|")
for (const system of systems) {
  const rs = results.get(system)
  const cpuRatios = rs.map((r, i) => r.cpu / first[i].cpu)
  const wallRatios = rs.map((r, i) => r.wall / first[i].wall)
  const range = (xs) => `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}]`
  console.log(
    `| ${system} | ${median(rs.map((r) => r.cpu)).toFixed(0)} ms | ×${range(cpuRatios)} | ${median(rs.map((r) => r.wall)).toFixed(0)} ms | ×${range(wallRatios)} |`
  )
}
silent.close()
