#!/usr/bin/env node
// Mailmoat side by side with the bare SMTP ceiling and Haraka on the shared peer workload, in one
// sitting, with the repository's own build.
//
//   node bench/peers.mjs [--runs 2] [--conc 20] [--systems ceiling,haraka-nodelay,mailmoat]
//                        [--harness ../shared/peers-bench] [--keep DIR]
//
// A Mailmoat system is written `mailmoat[:pN][@DIR]`: `:p2` runs the gateway's multi-process mode
// with two processes (`smtp.processes: 2`), `@DIR` runs the gateway built in another checkout
// (DIR/apps/gateway/dist/main.js, e.g. an older commit in a `git worktree`) so that a before and
// an after appear in one sitting. GW_NODE_FLAGS (environment) is passed to node, e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof`.
//
// It copies the harness (read-only where it is shared) to a temporary folder, installs what it
// needs (its install.sh: Debian rbldnsd/postfix/rspamd tools, Haraka from npm), generates the
// corpus, runs each system with `run-smtp.sh` (one after the other: rbldnsd + smtp-sink started
// and stopped by PID for each), and prints one table: msgs/s, CPU ms per message, peak RSS, p99,
// delivered, DNS queries per message, the CPU other processes used meanwhile ("foreign"), and
// Mailmoat's ratios to Haraka and to the ceiling. Only the ratios carry over between machines;
// a run with a high foreign figure is not a clean one.
import { spawnSync } from "node:child_process"
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const runs = arg("runs", "2")
const conc = arg("conc", "20")
const systems = arg("systems", "ceiling,haraka-nodelay,mailmoat").split(",")
const harness = resolve(arg("harness", join(root, "..", "shared", "peers-bench")))
if (!existsSync(join(harness, "run-smtp.sh"))) {
  console.error(`bench/peers: no harness at ${harness} (--harness DIR)`)
  process.exit(2)
}

const work = arg("keep", undefined) ?? mkdtempSync(join(tmpdir(), "mailmoat-peers-"))
// rbldnsd drops to its own user and writes its query counts under run/: mkdtemp's 0700 would
// leave that file empty and every "DNS q/msg" at 0.
chmodSync(work, 0o755)
cpSync(harness, work, { recursive: true })
// The harness's scripts append to results/ but do not create it.
mkdirSync(join(work, "results"), { recursive: true })
const sh = (label, command, env = {}, { mustSucceed = true } = {}) => {
  console.log(`\n[bench/peers] ${label}`)
  const r = spawnSync("bash", ["-c", command], { cwd: work, stdio: "inherit", env: { ...process.env, ...env } })
  if (r.status === 0) return
  if (mustSucceed) throw new Error(`${label}: exit ${r.status}`)
  // run-smtp.sh ends with a grep for errors in Haraka's log, which exits 1 when there are none:
  // a run is judged by the records it wrote, not by that status.
  console.log(`[bench/peers] ${label}: exit ${r.status} (the table shows what it recorded)`)
}

sh("install the harness peers", "./install.sh > install.log 2>&1 || { tail -20 install.log; exit 1; }")
sh("generate the corpus and zones", "node gen-corpus.js > /dev/null")
const gatewayMain = join(root, "apps/gateway/dist/main.js")
if (systems.some((s) => s.startsWith("mailmoat"))) {
  if (!existsSync(gatewayMain)) sh("build", `cd ${root} && npm run build`)
}
// `mailmoat[:pN][@DIR]` -> the label its results are filed under, the main.js, the process count.
const mailmoatSystem = (system) => {
  const m = /^mailmoat(?::p(\d+))?(?:@(.+))?$/.exec(system)
  if (!m) return undefined
  const checkout = m[2] === undefined ? root : resolve(m[2])
  const main = join(checkout, "apps/gateway/dist/main.js")
  if (!existsSync(main)) throw new Error(`${system}: no ${main} (build that checkout first)`)
  const processes = m[1] === undefined ? undefined : Number(m[1])
  const label = `mailmoat${processes ? `-${processes}p` : ""}${m[2] === undefined ? "" : `@${basename(checkout)}`}`
  return { label, main, processes }
}
const labels = []
for (const system of systems) {
  const mm = mailmoatSystem(system)
  if (mm) {
    // Each system gets its own data folder, so that one's spool or stores never meet another's.
    let yaml = readFileSync(join(work, "mailmoat.yaml"), "utf8").replace(
      /^dataDir: .*$/m,
      `dataDir: ./data-${mm.label}`
    )
    if (mm.processes !== undefined) yaml = yaml.replace(/^smtp:\n/m, `smtp:\n  processes: ${mm.processes}\n`)
    const config = join(work, `${mm.label}.yaml`)
    writeFileSync(config, yaml)
    labels.push(mm.label)
    sh(
      `${mm.label} (${mm.main})`,
      `./run-smtp.sh external ${runs}`,
      {
        CONCS: conc,
        LABEL: mm.label,
        GW_PORT: "2727",
        GW_START: `node ${process.env.GW_NODE_FLAGS ?? ""} ${mm.main} --config ${config}`
      },
      { mustSucceed: false }
    )
  } else {
    labels.push(system)
    sh(system, `./run-smtp.sh ${system} ${runs}`, { CONCS: conc }, { mustSucceed: false })
  }
}

// One row per system: the median smtp-source run, latency from the replay run.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const rows = new Map()
for (const label of labels) {
  const file = join(work, "results", `${label}.jsonl`)
  if (!existsSync(file)) continue
  const records = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
  const load = records.filter((r) => r.kind === "smtp-source" && r.conc === Number(conc))
  const replay = records.find((r) => r.kind === "replay" && r.conc === Number(conc))
  if (load.length === 0) continue
  const mps = median(load.map((r) => r.msgs_per_s))
  rows.set(label, {
    mps,
    cpuMsPerMsg: median(load.map((r) => (r.gw_cpu_s * 1000) / r.sent)),
    rssMb: Math.round(Math.max(...load.map((r) => r.gw_peak_rss_kb)) / 1024),
    p99: replay?.p99_ms ?? null,
    delivered: load.map((r) => `${r.delivered}/${r.sent}`).join(" "),
    dnsPerMsg: median(load.map((r) => r.dns_q_per_msg)),
    foreign: load.map((r) => r.foreign_cpu_pct).join(" / ")
  })
}
const fmt = (n, digits = 1) => (n === null || n === undefined || Number.isNaN(n) ? "-" : Number(n).toFixed(digits))
console.log(
  `\n| system (conc ${conc}, ${runs} runs) | msgs/s | CPU ms/msg | peak RSS MB | p99 ms | delivered | DNS q/msg | foreign CPU % |`
)
console.log("|---|---|---|---|---|---|---|---|")
for (const [label, r] of rows) {
  console.log(
    `| ${label} | ${fmt(r.mps, 0)} | ${fmt(r.cpuMsPerMsg, 2)} | ${r.rssMb} | ${fmt(r.p99, 0)} | ${r.delivered} | ${fmt(r.dnsPerMsg, 2)} | ${r.foreign} |`
  )
}
const haraka = rows.get("haraka-nodelay")
const ceiling = rows.get("ceiling")
for (const [label, mm] of rows) {
  if (!label.startsWith("mailmoat")) continue
  console.log(`\n${label}'s ratios (same sitting):`)
  if (haraka) {
    console.log(
      `  vs Haraka+nodelay: msgs/s x${fmt(mm.mps / haraka.mps, 2)} (goal >= 3), CPU ms/msg x${fmt(mm.cpuMsPerMsg / haraka.cpuMsPerMsg, 2)} (goal <= 0.33), RSS x${fmt(mm.rssMb / haraka.rssMb, 2)}`
    )
  }
  if (ceiling)
    console.log(
      `  vs ceiling: msgs/s x${fmt(mm.mps / ceiling.mps, 3)} (goal with 2 processes >= 0.5), p99 x${fmt(mm.p99 / ceiling.p99, 2)} (goal <= 2)`
    )
}
console.log(`\nraw results: ${join(work, "results")}`)
