#!/usr/bin/env node
// Mailmoat side by side with the bare SMTP ceiling and Haraka on the shared peer workload, in one
// sitting, with the repository's own build.
//
//   node bench/peers.mjs [--runs 2] [--conc 20] [--systems ceiling,haraka-nodelay,mailmoat]
//                        [--rounds 1] [--harness ../shared/peers-bench] [--keep DIR]
//   node bench/peers.mjs --summarize RESULTS_DIR --systems ... [--rounds N] [--runs 2] [--conc 20]
//
// A Mailmoat system is written `mailmoat[:pN][@DIR][+FLAG...][~RUNTIME]`: `:p2` runs the gateway's
// multi-process mode with two processes (`smtp.processes: 2`), `@DIR` runs the gateway built in
// another checkout (DIR/apps/gateway/dist/main.js, e.g. an older commit in a `git worktree`) so
// that a before and an after appear in one sitting, and each `+FLAG` passes `--FLAG` to that
// system's runtime only (`mailmoat+max-semi-space-size=12`, `mailmoat+maglev+max-lazy`), so that
// node options are compared in one sitting too. `~node24`, `~bun` or `~deno` runs the system on
// that runtime (scripts/runtimes.mjs installs them under .runtimes/) instead of the `node` on PATH;
// Haraka takes the same suffixes (`haraka-nodelay~node24`, `haraka-nodelay+trace-opt~node24`).
// The grammar is bench/peers-systems.mjs's. GW_NODE_FLAGS (environment) is passed to every
// Mailmoat system that runs on Node (either version), e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
//
// `--rounds N` runs the whole list N times, in reverse order every second round (A B, B A, A B,
// ...), so that alternated pairs come from one command; each round's records are kept in
// results/LABEL.rK.jsonl, the table has one row per system and round, and a summary gives each
// system's median over the rounds with its spread, and its ratio to the list's first system round
// by round. `--summarize DIR` prints the tables again from an earlier invocation's results folder
// (given the same --systems and --rounds) without running anything.
//
// It copies the harness (read-only where it is shared) to a temporary folder, installs what it
// needs (its install.sh: Debian rbldnsd/postfix/rspamd tools, Haraka from npm), generates the
// corpus, runs each system with `run-smtp.sh` (one after the other: rbldnsd + smtp-sink started
// and stopped by PID for each), and prints one table: msgs/s, CPU ms per message, peak RSS, p99,
// delivered, DNS queries per message, the CPU other processes used meanwhile ("foreign"), and
// Mailmoat's ratios to Haraka and to the ceiling. Only the ratios carry over between machines;
// a run with a high foreign figure is not a clean one.
import { spawnSync } from "node:child_process"
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { commandPrefix, parseSystem, runtimeKeys, runtimeVersion } from "./peers-systems.mjs"
import { benchTempDir } from "./temp-dir.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const runs = arg("runs", "2")
const conc = arg("conc", "20")
const systems = arg("systems", "ceiling,haraka-nodelay,mailmoat").split(",")
const parsed = new Map()
for (const system of systems) {
  try {
    parsed.set(system, parseSystem(system))
  } catch (error) {
    console.error(error.message)
    process.exit(2)
  }
}
const rounds = Number(arg("rounds", "1"))
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error("bench/peers: --rounds takes a whole number >= 1")
  process.exit(2)
}
// A Mailmoat system's gateway: the main.js of its checkout.
const gatewayMainOf = (s) => join(s.dir === undefined ? root : resolve(s.dir), "apps/gateway/dist/main.js")
const labelOf = (system) => parsed.get(system).label
// The binary each system's runtime is: the `node` on PATH unless a suffix names another.
// scripts/runtimes.mjs installs the others on import, so it is imported only when one is asked for.
const runtimeBins = systems.some((s) => parsed.get(s).runtime !== undefined)
  ? (await import("../scripts/runtimes.mjs")).runtimes
  : {}
const binOf = (s) => (s.runtime === undefined ? "node" : runtimeBins[runtimeKeys[s.runtime]])
// "node 20.20.2", "bun 1.4.5", ... for each runtime the systems use, from the binary itself.
const probeVersions = () =>
  Object.fromEntries(
    systems
      .map((system) => parsed.get(system))
      .filter((s) => s.kind !== "ceiling")
      .map((s) => {
        const r = spawnSync(binOf(s), ["--version"], { encoding: "utf8" })
        return [
          s.runtime ?? "node",
          r.status === 0 ? runtimeVersion(r.stdout) : `${s.runtime ?? "node"} (no --version)`
        ]
      })
  )
// The systems in the order of each round: reversed every second one.
const orderOf = (round) => (round % 2 === 0 ? [...systems].reverse() : systems)
// Where a system's records of one round are kept.
const recordsFile = (dir, label, round) => join(dir, rounds === 1 ? `${label}.jsonl` : `${label}.r${round}.jsonl`)

// Runs every system of every round; returns [label, round, records file] for each run, in order.
const runSittings = () => {
  const harness = resolve(arg("harness", join(root, "..", "shared", "peers-bench")))
  if (!existsSync(join(harness, "run-smtp.sh"))) {
    console.error(`bench/peers: no harness at ${harness} (--harness DIR)`)
    process.exit(2)
  }
  const work = arg("keep", undefined) ?? benchTempDir("mailmoat-peers-")
  // rbldnsd drops to its own user and writes its query counts under run/: mkdtemp's 0700 would
  // leave that file empty and every "DNS q/msg" at 0.
  mkdirSync(work, { recursive: true })
  chmodSync(work, 0o755)
  cpSync(harness, work, { recursive: true })
  // The harness's scripts append to results/ but do not create it.
  const results = join(work, "results")
  mkdirSync(results, { recursive: true })
  // The harness's load script sends smtp-source's failures to `${LOAD_ERR:-/dev/stderr}` with `2>`:
  // when this bench's stderr is a file (`>> log 2>&1`), reopening /dev/stderr truncates that file,
  // and every earlier line of the caller's log was lost. The failures go to a file of the run's,
  // printed after each step instead.
  const loadErrors = join(work, "load-errors.log")
  const sh = (label, command, env = {}, { mustSucceed = true } = {}) => {
    console.log(`\n[bench/peers] ${label}`)
    writeFileSync(loadErrors, "")
    const r = spawnSync("bash", ["-c", command], {
      cwd: work,
      stdio: "inherit",
      env: { ...process.env, LOAD_ERR: loadErrors, ...env }
    })
    const failures = readFileSync(loadErrors, "utf8")
    if (failures !== "") process.stderr.write(failures)
    if (r.status === 0) return
    if (mustSucceed) throw new Error(`${label}: exit ${r.status}`)
    // run-smtp.sh ends with a grep for errors in Haraka's log, which exits 1 when there are none:
    // a run is judged by the records it wrote, not by that status.
    console.log(`[bench/peers] ${label}: exit ${r.status} (the table shows what it recorded)`)
  }

  sh("install the harness peers", "./install.sh > install.log 2>&1 || { tail -20 install.log; exit 1; }")
  sh("generate the corpus and zones", "node gen-corpus.js > /dev/null")
  const gatewayMain = join(root, "apps/gateway/dist/main.js")
  if (systems.some((s) => parsed.get(s).kind === "mailmoat")) {
    if (!existsSync(gatewayMain)) sh("build", `cd ${root} && npm run build`)
  }
  for (const system of systems) {
    const s = parsed.get(system)
    if (s.kind === "mailmoat" && !existsSync(gatewayMainOf(s)))
      throw new Error(`${system}: no ${gatewayMainOf(s)} (build that checkout first)`)
  }
  // The harness starts Haraka with the `node` on PATH: the copy starts it with HARAKA_RUNTIME's
  // words instead when they are set (the harness's own default otherwise).
  const harakaStart = join(work, "haraka/start.sh")
  const harakaLine = `start_bg haraka node "$PEERS/haraka-node/`
  const startScript = readFileSync(harakaStart, "utf8")
  if (!startScript.includes(harakaLine)) throw new Error(`${harakaStart}: no line starting Haraka with node`)
  writeFileSync(
    harakaStart,
    startScript.replace(harakaLine, `start_bg haraka \${HARAKA_RUNTIME:-node} "$PEERS/haraka-node/`)
  )
  const versions = probeVersions()
  writeFileSync(join(results, "runtimes.json"), `${JSON.stringify(versions)}\n`)
  for (const [runtime, version] of Object.entries(versions)) console.log(`[bench/peers] ${runtime}: ${version}`)
  // Runs one system once; its records end up in results/LABEL.jsonl (the harness rewrites that file).
  const runSystem = (system) => {
    const s = parsed.get(system)
    if (s.kind !== "mailmoat") {
      const words = commandPrefix({
        runtime: s.runtime,
        bin: binOf(s),
        flags: s.flags,
        preload: join(work, "haraka/dns-preload.js")
      })
      sh(
        s.label,
        `./run-smtp.sh ${s.kind} ${runs}`,
        { CONCS: conc, LABEL: s.label, ...(s.kind === "ceiling" ? {} : { HARAKA_RUNTIME: words.join(" ") }) },
        { mustSucceed: false }
      )
      return
    }
    const mm = { ...s, main: gatewayMainOf(s) }
    // Each system gets its own data folder, so that one's spool or stores never meet another's.
    let yaml = readFileSync(join(work, "mailmoat.yaml"), "utf8").replace(
      /^dataDir: .*$/m,
      `dataDir: ./data-${mm.label}`
    )
    if (mm.processes !== undefined) yaml = yaml.replace(/^smtp:\n/m, `smtp:\n  processes: ${mm.processes}\n`)
    // The harness's file lifts the total and per-address limits above its load but not the one per
    // /24 (smtp.limits.maxConnectionsPerNetwork, 30), and its replay client opens the next session
    // on the message's 250, before the gateway has answered that session's QUIT and freed its
    // slot (Admission's tickets are released at the 221). On Node the overlap stays under 30; on
    // Bun and Deno it passed 30 and 2-7 % of the replay's sessions got 421 (limit "network"),
    // which Haraka (no such limit) never gives. Lifted like the others.
    if (!/maxConnectionsPerNetwork/.test(yaml))
      yaml = yaml.replace(/^smtp:\n/m, "smtp:\n  limits:\n    maxConnectionsPerNetwork: 200\n")
    const config = join(work, `${mm.label}.yaml`)
    writeFileSync(config, yaml)
    const onNode = mm.runtime === undefined || mm.runtime === "node24"
    const envFlags = onNode ? (process.env.GW_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean) : []
    const words = commandPrefix({ runtime: mm.runtime, bin: binOf(mm), flags: [...envFlags, ...mm.flags] })
    sh(
      `${mm.label} (${mm.main})`,
      `./run-smtp.sh external ${runs}`,
      {
        CONCS: conc,
        LABEL: mm.label,
        GW_PORT: "2727",
        GW_START: `${words.join(" ")} ${mm.main} --config ${config}`
      },
      { mustSucceed: false }
    )
  }
  const sittings = []
  for (let round = 1; round <= rounds; round++) {
    for (const system of orderOf(round)) {
      runSystem(system)
      const label = labelOf(system)
      const file = join(results, `${label}.jsonl`)
      const kept = recordsFile(results, label, round)
      if (kept !== file && existsSync(file)) renameSync(file, kept)
      // The system's own output (the gateway's log, or Haraka's, and whatever its runtime's flags
      // printed, e.g. --trace-opt), which the next system's run overwrites.
      const kind = parsed.get(system).kind
      const output = join(work, "run", kind === "mailmoat" ? "external.out" : "haraka.out")
      if (kind !== "ceiling" && existsSync(output)) renameSync(output, kept.replace(/\.jsonl$/, ".out"))
      sittings.push([label, round, kept])
    }
  }
  const note = arg("keep", undefined) === undefined ? " (removed on exit; --keep DIR keeps them)" : ""
  console.log(`\nraw results: ${results}${note}`)
  return { sittings, versions }
}

// The runs of an earlier invocation (its results folder), for the same --systems and --rounds.
// The runtimes' versions are the ones that folder recorded (older folders have none: probed now).
const readSittings = (dir) => ({
  sittings: Array.from({ length: rounds }, (_, i) =>
    orderOf(i + 1).map((system) => [labelOf(system), i + 1, recordsFile(dir, labelOf(system), i + 1)])
  ).flat(),
  versions: existsSync(join(dir, "runtimes.json"))
    ? JSON.parse(readFileSync(join(dir, "runtimes.json"), "utf8"))
    : probeVersions()
})

const summarize = arg("summarize", undefined)
const { sittings, versions } = summarize === undefined ? runSittings() : readSittings(resolve(summarize))
// label -> the system it was parsed from, for its kind and runtime.
const systemOf = new Map(systems.map((system) => [labelOf(system), parsed.get(system)]))
const runtimeOf = (label) => {
  const s = systemOf.get(label)
  return s.kind === "ceiling" ? "-" : (versions[s.runtime ?? "node"] ?? s.runtime ?? "node")
}

// One row per system and round: the median smtp-source run, latency from the replay run.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const cpuMs = (r) => (r.gw_cpu_s * 1000) / r.sent
const rows = []
for (const [label, round, file] of sittings) {
  if (!existsSync(file)) continue
  const records = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
  const load = records.filter((r) => r.kind === "smtp-source" && r.conc === Number(conc))
  const replay = records.find((r) => r.kind === "replay" && r.conc === Number(conc))
  if (load.length === 0) continue
  rows.push({
    label,
    round,
    mps: median(load.map((r) => r.msgs_per_s)),
    cpuMsPerMsg: median(load.map(cpuMs)),
    // Run by run, so that the JIT's warm-up shows against the later runs.
    cpuByRun: load.map(cpuMs),
    replayCpuMsPerMsg: replay ? cpuMs(replay) : null,
    rssMb: Math.round(Math.max(...load.map((r) => r.gw_peak_rss_kb)) / 1024),
    replayRssMb: replay ? Math.round(replay.gw_peak_rss_kb / 1024) : null,
    p99: replay?.p99_ms ?? null,
    delivered: [...load, ...(replay ? [replay] : [])].map((r) => `${r.delivered}/${r.sent}`).join(" "),
    dnsPerMsg: median(load.map((r) => r.dns_q_per_msg)),
    foreign: [...load, ...(replay ? [replay] : [])].map((r) => r.foreign_cpu_pct).join(" / ")
  })
}
const fmt = (n, digits = 1) => (n === null || n === undefined || Number.isNaN(n) ? "-" : Number(n).toFixed(digits))
console.log(
  `\n| system (conc ${conc}, ${runs} runs) | runtime | round | msgs/s | CPU ms/msg | by run | replay CPU ms/msg | peak RSS MB | replay peak RSS MB | p99 ms | delivered | DNS q/msg | foreign CPU % |`
)
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (const r of rows) {
  console.log(
    `| ${r.label} | ${runtimeOf(r.label)} | ${r.round} | ${fmt(r.mps, 0)} | ${fmt(r.cpuMsPerMsg, 2)} | ${r.cpuByRun.map((x) => fmt(x, 2)).join(" ")} | ${fmt(r.replayCpuMsPerMsg, 2)} | ${r.rssMb} | ${r.replayRssMb ?? "-"} | ${fmt(r.p99, 0)} | ${r.delivered} | ${fmt(r.dnsPerMsg, 2)} | ${r.foreign} |`
  )
}
for (const round of [...new Set(rows.map((r) => r.round))]) {
  const inRound = rows.filter((r) => r.round === round)
  const ceiling = inRound.find((r) => r.label === "ceiling")
  for (const mm of inRound) {
    if (systemOf.get(mm.label).kind !== "mailmoat") continue
    // Haraka + TCP_NODELAY without flags on Mailmoat's runtime, else on the `node` on PATH.
    const runtime = systemOf.get(mm.label).runtime
    const haraka =
      inRound.find((r) => r.label === `haraka-nodelay${runtime === undefined ? "" : `~${runtime}`}`) ??
      inRound.find((r) => r.label === "haraka-nodelay")
    if (!haraka && !ceiling) continue
    console.log(`\n${mm.label}'s ratios (round ${round}, same sitting):`)
    if (haraka) {
      console.log(
        `  vs ${haraka.label} (${runtimeOf(haraka.label)}): msgs/s x${fmt(mm.mps / haraka.mps, 2)} (goal >= 3), CPU ms/msg x${fmt(mm.cpuMsPerMsg / haraka.cpuMsPerMsg, 2)} (goal <= 0.33), RSS x${fmt(mm.rssMb / haraka.rssMb, 2)}`
      )
    }
    if (ceiling)
      console.log(
        `  vs ceiling: msgs/s x${fmt(mm.mps / ceiling.mps, 3)} (goal with 2 processes >= 0.5), p99 x${fmt(mm.p99 / ceiling.p99, 2)} (goal <= 2)`
      )
  }
}
if (rounds > 1) {
  // Each system over the rounds: median (of an even count, the mean of the middle two) [lowest-highest].
  const middle = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b)
    const half = Math.floor(sorted.length / 2)
    return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2
  }
  const spread = (xs, digits = 2) => {
    const known = xs.filter((x) => x !== null)
    return known.length === 0
      ? "-"
      : `${fmt(middle(known), digits)} [${fmt(Math.min(...known), digits)}-${fmt(Math.max(...known), digits)}]`
  }
  console.log(
    `\n| system (${rounds} rounds) | CPU ms/msg | replay CPU ms/msg | p99 ms | peak RSS MB | replay peak RSS MB |`
  )
  console.log("|---|---|---|---|---|---|")
  for (const label of [...new Set(rows.map((r) => r.label))]) {
    const of = rows.filter((r) => r.label === label)
    const cells = [
      spread(of.map((r) => r.cpuMsPerMsg)),
      spread(of.map((r) => r.replayCpuMsPerMsg)),
      spread(
        of.map((r) => r.p99),
        0
      ),
      spread(
        of.map((r) => r.rssMb),
        0
      ),
      spread(
        of.map((r) => r.replayRssMb),
        0
      )
    ]
    console.log(`| ${label} | ${cells.join(" | ")} |`)
  }
  // Each system against the list's first, round by round (the same sitting, alternated order).
  const first = rows.find((r) => r.round === 1)?.label
  const ratios = (label, pick) =>
    rows
      .filter((r) => r.label === label)
      .map((r) => {
        const base = rows.find((b) => b.label === first && b.round === r.round)
        return base && pick(base) && pick(r) !== null ? pick(r) / pick(base) : null
      })
  console.log(`\n| system / ${first}, per round | CPU ms/msg | replay CPU ms/msg | p99 |`)
  console.log("|---|---|---|---|")
  for (const label of [...new Set(rows.map((r) => r.label))].filter((l) => l !== first)) {
    const cpu = spread(ratios(label, (r) => r.cpuMsPerMsg))
    const replay = spread(ratios(label, (r) => r.replayCpuMsPerMsg))
    const p99 = spread(ratios(label, (r) => r.p99))
    console.log(`| ${label} | x${cpu} | x${replay} | x${p99} |`)
  }
}
