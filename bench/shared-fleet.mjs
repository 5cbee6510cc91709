#!/usr/bin/env node
// Two gateways on the shared peer workload, embedded state against one Redis, in one sitting:
// how many DNS queries per message the fleet sends as the shared answer cache warms, and what
// Redis adds per message in CPU.
//
//   node bench/shared-fleet.mjs [--rounds 1] [--conc 20] [--negative-ttl 60] [--harness ../shared/peers-bench] [--keep DIR]
//
// Uses the harness's rbldnsd (127.0.0.1:5353, its stats count the queries), smtp-sink
// (127.0.0.1:2527), corpus (2,000 distinct messages), replayer and process monitor; it does not
// install anything (run bench/peers.mjs or the harness's install.sh once first). The harness's
// ports are fixed: run one harness at a time on a machine.
//
// For each state backend (embedded, redis), with two gateway processes A and B (the built
// apps/gateway/dist/main.js, the harness's mailmoat.yaml plus fleet-wide rate limits set high so
// every connection and message passes through the counters):
//   1. replay the corpus to A (cold),  2. the same corpus to B,  3. again to A:
//      DNS queries per message at rbldnsd for each pass (with DNSBL_QUERYLOG=1 also the lookups
//      of the lists alone: the rest are the SPF/PTR questions the harness's rbldnsd refuses,
//      which are never cached, a floor of ~4 per message on this workload);
//   4. smtp-source load (2,000 messages, 20 distinct) to A: CPU ms per message of A, and of
//      redis-server, and the CPU used by other processes meanwhile ("foreign").
// Only ratios measured in the same sitting carry over; a high foreign figure spoils a run.
import { spawn, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createServer, connect } from "node:net"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const rounds = Number(arg("rounds", "1"))
const conc = arg("conc", "20")
// state.dnsCache.negativeTtlSeconds: the harness's zones say 35 minutes in their SOA; our default
// keeps NXDOMAIN 60 s, so a pass longer than that re-asks what the previous one learnt.
const negativeTtl = arg("negative-ttl", "60")
const harness = resolve(arg("harness", join(root, "..", "shared", "peers-bench")))
const gatewayMain = join(root, "apps/gateway/dist/main.js")
for (const [what, path] of [
  ["harness", join(harness, "run-smtp.sh")],
  ["gateway build (pnpm exec turbo run build)", gatewayMain],
  ["rbldnsd", "/usr/sbin/rbldnsd"],
  ["smtp-source", "/usr/sbin/smtp-source"]
]) {
  if (!existsSync(path)) {
    console.error(`bench/shared-fleet: ${what} missing (${path})`)
    process.exit(2)
  }
}
if (spawnSync("sh", ["-c", "command -v redis-server && command -v redis-cli"]).status !== 0) {
  console.error("bench/shared-fleet: redis-server / redis-cli missing")
  process.exit(2)
}

const work = arg("keep", undefined) ?? benchTempDir("mailmoat-fleet-")
cpSync(harness, work, { recursive: true })
const run = join(work, "run")
mkdirSync(run, { recursive: true })
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const sh = (command) => {
  const r = spawnSync("bash", ["-c", command], { cwd: work, encoding: "utf8" })
  if (r.status !== 0) throw new Error(`${command}: exit ${r.status}\n${r.stdout}${r.stderr}`)
  return r.stdout
}
const freePort = () =>
  new Promise((res, rej) => {
    const s = createServer()
    s.once("error", rej)
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
const waitPort = async (port, millis = 30_000) => {
  for (const t0 = Date.now(); Date.now() - t0 < millis; await sleep(100)) {
    const ok = await new Promise((res) => {
      const c = connect(port, "127.0.0.1", () => {
        c.destroy()
        res(true)
      })
      c.on("error", () => res(false))
    })
    if (ok) return
  }
  throw new Error(`nothing listens on ${port}`)
}

/** Processes this script started, stopped by PID at the end whatever happens. */
const children = []
const startChild = (name, command, args, options = {}) => {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options })
  let out = ""
  child.stdout.on("data", (d) => (out += d))
  child.stderr.on("data", (d) => (out += d))
  const started = { child, name, output: () => out }
  children.push(started)
  return started
}
const stopChild = async (c) => {
  if (c.child.exitCode !== null) return
  const exited = new Promise((r) => c.child.once("exit", r))
  c.child.kill("SIGTERM")
  await Promise.race([exited, sleep(10_000)])
  if (c.child.exitCode === null) c.child.kill("SIGKILL")
}
let harnessUp = false
const cleanup = async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL")
  if (harnessUp) spawnSync("bash", ["-c", "./sink.sh stop; ./dnsbl/stop.sh"], { cwd: work, stdio: "ignore" })
}
process.on("SIGINT", async () => {
  await cleanup()
  process.exit(130)
})

const dnsTotal = () => {
  const last = readFileSync(join(run, "rbldnsd-stats.log"), "utf8").trim().split("\n").pop() ?? ""
  const field = last.split(" ").find((f) => f.startsWith("*:"))
  return Number(field?.split(":")[1] ?? 0)
}
/** rbldnsd writes its counters once per check interval (1 s): wait for a fresh line. */
const settledDnsTotal = async () => {
  await sleep(1300)
  return dnsTotal()
}
/** Queries for the lists themselves (bl.test, dbl.test), when the harness logs queries (DNSBL_QUERYLOG=1). */
const listQueries = () => {
  const file = join(run, "rbldnsd-queries.log")
  if (!existsSync(file)) return Number.NaN
  return readFileSync(file, "latin1")
    .split("\n")
    .filter((l) => / \S+\.d?bl\.test A /.test(l)).length
}
const sinkCount = () => {
  const text = readFileSync(join(run, "sink.out"), "latin1").replace(/\r/g, "\n")
  const m = [...text.matchAll(/mesg=(\d+)/g)].pop()
  return Number(m?.[1] ?? 0)
}

/** The harness's gateway configuration with our port, data dir, state and fleet-wide limits. */
const configFor = (port, dataDir, state) => {
  const base = readFileSync(join(work, "mailmoat.yaml"), "utf8")
  const text = base
    .replace(/^dataDir: .*$/m, `dataDir: ${dataDir}`)
    .replace(/^ {2}port: 2727$/m, `  port: ${port}`)
    .replace(/^admin:\n {2}enabled: true/m, "admin:\n  enabled: false")
    .replace(
      /^ {2}maxConnectionsPerIp: 200$/m,
      "  maxConnectionsPerIp: 200\n  limits:\n    connectionRatePerIp: 100000000\n    connectionRatePerNetwork: 100000000\n    messageRatePerIp: 100000000\n    messageRatePerNetwork: 100000000"
    )
  const file = join(dataDir, "..", `${port}.yaml`)
  writeFileSync(file, `${text}\nstate:\n${state.map((l) => `  ${l}`).join("\n")}\n`)
  return file
}

const replay = (port) => {
  const r = spawnSync("node", [join(work, "lib/smtp-replay.js"), "--target", `127.0.0.1:${port}`, "--conc", conc], {
    cwd: work,
    encoding: "utf8",
    timeout: 700_000
  })
  if (r.status !== 0) throw new Error(`replay: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split("\n").pop())
}

const monitor = (pids) => {
  const out = join(run, `mon-${Date.now()}.json`)
  const own = [
    process.pid,
    ...children.map((c) => c.child.pid),
    ...["rbldnsd", "sink"].map((n) => readFileSync(join(run, `${n}.pid`), "utf8").trim())
  ].join(",")
  const m = spawn("node", [join(work, "lib/procmon.js"), out, ...pids.map(String), "--own", own], { stdio: "ignore" })
  return async () => {
    await sleep(300)
    m.kill("SIGTERM")
    await new Promise((r) => m.once("exit", r))
    return JSON.parse(readFileSync(out, "utf8"))
  }
}

const results = []
try {
  sh("node gen-corpus.js > /dev/null")
  sh("./dnsbl/start.sh && ./sink.sh start")
  harnessUp = true
  const redisPort = await freePort()
  const redisDir = benchTempDir("mailmoat-fleet-redis-")
  const redis = startChild("redis", "redis-server", [
    "--port",
    String(redisPort),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    redisDir
  ])
  await waitPort(redisPort)
  const backends = Array.from({ length: rounds }, () => ["embedded", "redis"]).flat()
  for (const [round, backend] of backends.entries()) {
    spawnSync("redis-cli", ["-p", String(redisPort), "flushall"], { stdio: "ignore" })
    const dir = mkdtempSync(join(run, `${backend}-`))
    const cache = ["dnsCache:", `  negativeTtlSeconds: ${negativeTtl}`]
    const state = [
      ...(backend === "redis" ? ["backend: redis", `url: redis://127.0.0.1:${redisPort}`] : ["backend: embedded"]),
      ...cache
    ]
    const gws = []
    for (const name of ["A", "B"]) {
      const port = await freePort()
      const dataDir = join(dir, name)
      mkdirSync(dataDir, { recursive: true })
      const gw = startChild(`gateway ${name}`, "node", [gatewayMain, "--config", configFor(port, dataDir, state)], {
        cwd: dir
      })
      gws.push({ ...gw, port })
    }
    for (const gw of gws)
      await waitPort(gw.port).catch((e) => Promise.reject(new Error(`${gw.name}: ${e.message}\n${gw.output()}`)))
    const [a, b] = gws
    const row = { round: Math.floor(round / 2) + 1, backend, passes: [] }
    for (const [label, gw] of [
      ["1. A, cold", a],
      ["2. B (A warmed)", b],
      ["3. A again", a]
    ]) {
      const q0 = await settledDnsTotal()
      const l0 = listQueries()
      const s0 = sinkCount()
      const r = replay(gw.port)
      const q1 = await settledDnsTotal()
      const lists = listQueries() - l0
      const listPerMsg = Number.isNaN(lists) ? "–" : +(lists / 2000).toFixed(3)
      row.passes.push({
        label,
        sent: 2000,
        ok: r.sent_ok,
        delivered: sinkCount() - s0,
        dnsPerMsg: +((q1 - q0) / 2000).toFixed(3),
        listPerMsg,
        p99: r.p99_ms
      })
      console.log(`[shared-fleet] ${backend} ${JSON.stringify(row.passes.at(-1))}`)
    }
    // CPU per message under smtp-source load at A (both gateways up; Redis counted apart).
    await sleep(1200)
    const stopA = monitor([a.child.pid])
    const stopRedis = monitor([redis.child.pid])
    const s0 = sinkCount()
    const load = sh(`LOAD_ERR=${join(run, "load-err.log")} ./lib/load-smtp-source.sh 127.0.0.1:${a.port} ${conc}`)
    const [ma, mr] = [await stopA(), await stopRedis()]
    await sleep(1200)
    const elapsed = Number(/elapsed_s=([\d.]+)/.exec(load)?.[1] ?? Number.NaN)
    row.load = {
      msgsPerS: +(2000 / elapsed).toFixed(1),
      delivered: sinkCount() - s0,
      gatewayCpuMsPerMsg: +((ma.cpu_s * 1000) / 2000).toFixed(2),
      redisCpuMsPerMsg: +((mr.cpu_s * 1000) / 2000).toFixed(2),
      foreignCpuPct: ma.foreign_cpu_pct
    }
    results.push(row)
    console.log(JSON.stringify(row))
    for (const gw of gws) await stopChild(gw)
  }
  await stopChild(redis)
} finally {
  await cleanup()
}

// One table: DNS queries per message per pass, and the per-message CPU.
console.log(
  "\n| round | state | pass | DNS queries / msg | of which list lookups (bl.test, dbl.test) | delivered | p99 ms |"
)
console.log("|---|---|---|---|---|---|---|")
for (const r of results)
  for (const p of r.passes)
    console.log(
      `| ${r.round} | ${r.backend} | ${p.label} | ${p.dnsPerMsg} | ${p.listPerMsg} | ${p.delivered}/${p.sent} | ${p.p99} |`
    )
console.log(
  "\n| round | state | msgs/s (smtp-source, conc " +
    conc +
    ") | gateway CPU ms/msg | redis-server CPU ms/msg | delivered | foreign CPU % |"
)
console.log("|---|---|---|---|---|---|---|")
for (const r of results)
  console.log(
    `| ${r.round} | ${r.backend} | ${r.load.msgsPerS} | ${r.load.gatewayCpuMsPerMsg} | ${r.load.redisCpuMsPerMsg} | ${r.load.delivered}/2000 | ${r.load.foreignCpuPct} |`
  )
console.log(`\n(work files in ${work})`)
