#!/usr/bin/env node
// The first run's CPU per message: what the peer harness's msgs/s is read from (its first
// smtp-source run of 2,000 messages after a 200-message warm-up, in a gateway process just
// started, so with V8's JIT still warming up). Each checkout's gateway runs in a fresh process
// per pair, on the harness's corpus, zones and configuration (bench/harness-gateway.mjs: rbldnsd,
// smtp-sink and the gateway on 127.0.0.1 with ephemeral ports, stopped by PID), and the pairs
// alternate their order (A B, B A, ...). CPU is the gateway process's own counters (utime + stime
// of all its threads: V8's compiler and GC threads included), read before and after each run, and
// its main thread's alone.
//
//   npm run build && node bench/first-run.mjs [--checkouts here,/tmp/mm-base29] [--pairs 4]
//                                             [--runs 2] [--replay] [--conc 20] [--jit DIR]
//                                             [--perf DIR]
//
// `--runs` is how many smtp-source runs of 2,000 follow the warm-up in each process (the first
// is the one measured; the second shows what the same messages cost once warm); `--replay` adds
// the harness's replay run (its lib/smtp-replay.js: the 2,000 distinct messages) after them. `--jit DIR` runs
// every gateway with V8's code and deopt log (`--log-code --log-deopt`, bench/jit-mark.mjs cutting
// it per run, and once more before the gateway is stopped) into DIR/LABEL.pN.log (its output, V8's traces if GW_NODE_FLAGS asks for any, into
// DIR/LABEL.pN.out, a line `jit-mark N` where each run starts) and prints bench/jit-log.mjs's report of each: TurboFan
// compilations, re-optimisations and deoptimisations per run (counts; the logging costs CPU, so
// those pairs' CPU is not comparable with untraced ones). `--perf DIR` runs every gateway with
// `--perf-basic-prof` and records each run with `perf record -g` (DIR/LABEL.pN.rR.data), then
// prints bench/tier-split.mjs's table of the first two runs: the CPU by V8 tier and what the first
// run spent more than the second in each (the recording costs CPU too), and bench/first-run-kinds.mjs's
// finer one (regexps, runtime calls, builtins under each tier; the functions that differ most),
// keeping each process's JIT names as DIR/LABEL.pN.map. `CHECKOUT+FLAG` passes
// `--FLAG` to that gateway's node alone; GW_NODE_FLAGS to every one.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs"
import { spawn, spawnSync } from "node:child_process"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { harnessCorpus } from "./harness-corpus.mjs"
import { processes, sleep, smtpSourceRun, startGateway, startRbldnsd } from "./harness-gateway.mjs"
import { jitSegments, segmentReport } from "./jit-log.mjs"
import { cpuMs } from "./smtp-source-load.mjs"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const checkouts = arg("checkouts", "here,/tmp/mm-base29").split(",")
const pairs = Number(arg("pairs", "4"))
const replayToo = process.argv.includes("--replay")
// With `--replay`, one run more: the replay's.
const runs = Number(arg("runs", "2")) + (replayToo ? 1 : 0)
const conc = Number(arg("conc", "20"))
const jitDir = arg("jit", undefined)
const perfDir = arg("perf", undefined)
const harness = resolve(arg("harness", join(here, "..", "shared", "peers-bench")))
const MESSAGES = 2000

/** CPU time the whole machine spent busy (every core), in ms. */
const machineBusyMs = () => {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/)
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number)
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100
}
/** utime + stime of a process's main thread alone (the rest: V8's compiler and GC workers, libuv's pool), in ms. */
const mainThreadMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8").split(") ")[1].split(" ")
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}
const labelOf = (checkout) => checkout.replace(/^.*\//, "").replace(/\+/g, "_")

const { work } = harnessCorpus(harness, "mailmoat-first-run-")
const procs = processes()
if (jitDir !== undefined) mkdirSync(jitDir, { recursive: true })
if (perfDir !== undefined) mkdirSync(perfDir, { recursive: true })

/** `perf record -g` of one process until `stop()` (SIGINT; resolves once perf has written its file). */
const perfRecord = (pid, file) => {
  const perf = spawn("perf", ["record", "-F", "999", "-g", "-p", String(pid), "-o", file], { stdio: "ignore" })
  const exited = new Promise((r) => perf.once("exit", r))
  return {
    stop: async () => {
      perf.kill("SIGINT")
      await exited
    }
  }
}

const dnsPort = await startRbldnsd(procs, work)
const rows = []
try {
  for (let pair = 1; pair <= pairs; pair++) {
    const order = pair % 2 === 0 ? [...checkouts].reverse() : checkouts
    for (const system of order) {
      const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0]
      const [checkout, ...systemFlags] = system.split("+")
      const dir = checkout === "here" ? here : resolve(checkout)
      const log = jitDir === undefined ? undefined : join(resolve(jitDir), `${labelOf(system)}.p${pair}.log`)
      const nodeArgs = [
        ...(process.env.GW_NODE_FLAGS ?? "").split(" ").filter((f) => f !== ""),
        ...systemFlags.map((f) => `--${f}`),
        ...(log === undefined
          ? []
          : [
              "--log-code",
              "--log-deopt",
              `--logfile=${log}`,
              "--no-logfile-per-isolate",
              "--import",
              join(here, "bench/jit-mark.mjs")
            ]),
        // --perf-basic-prof also opens V8's log (isolate-*.log in the working folder) unless told where.
        ...(perfDir === undefined
          ? []
          : ["--perf-basic-prof", ...(log === undefined ? ["--logfile=/dev/null", "--no-logfile-per-isolate"] : [])])
      ]
      const outFile = log?.replace(/\.log$/, ".out")
      const { gw, sink, smtpPort } = await startGateway(procs, { work, dir, dnsPort, nodeArgs, outFile })
      try {
        smtpSourceRun(work, smtpPort, conc, 2) // the harness's warm-up: 200 messages
        await sleep(1200)
        const row = { system, pair, load, runs: [] }
        for (let r = 1; r <= runs; r++) {
          if (log !== undefined) gw.child.kill("SIGUSR2")
          await sleep(300)
          const perf =
            perfDir === undefined
              ? undefined
              : perfRecord(gw.child.pid, join(resolve(perfDir), `${labelOf(system)}.p${pair}.r${r}.data`))
          if (perf !== undefined) await sleep(300)
          const [cpu0, main0, busy0, t0] = [
            cpuMs(gw.child.pid),
            mainThreadMs(gw.child.pid),
            machineBusyMs(),
            Date.now()
          ]
          // The last run is the harness's replay (2,000 distinct messages) with `--replay`.
          const res =
            replayToo && r === runs
              ? spawnSync(
                  "node",
                  [join(work, "lib/smtp-replay.js"), "--target", `127.0.0.1:${smtpPort}`, "--conc", `${conc}`],
                  {
                    stdio: "ignore",
                    timeout: 600_000
                  }
                )
              : smtpSourceRun(work, smtpPort, conc, 20)
          await sleep(500)
          await perf?.stop()
          const cpu = cpuMs(gw.child.pid) - cpu0
          const main = mainThreadMs(gw.child.pid) - main0
          const rest = machineBusyMs() - busy0 - cpu
          row.runs.push({
            ok: res.status === 0,
            cpuMsPerMsg: cpu / MESSAGES,
            mainMsPerMsg: main / MESSAGES,
            restMsPerMsg: rest / MESSAGES,
            msgsPerS: MESSAGES / ((Date.now() - t0 - 500) / 1000)
          })
        }
        // The last segment of the log ends here, not with the shutdown's own work.
        if (log !== undefined) gw.child.kill("SIGUSR2")
        await sleep(300)
        // The process's peak resident set (VmHWM) once its runs are done.
        row.peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${gw.child.pid}/status`, "utf8"))[1]) / 1024
        rows.push(row)
        const cells = row.runs.map(
          (r, i) =>
            `run ${i + 1} ${r.cpuMsPerMsg.toFixed(3)} ms/msg (main thread ${r.mainMsPerMsg.toFixed(3)}, rest of the machine ${r.restMsPerMsg.toFixed(3)}, ${r.msgsPerS.toFixed(0)} msgs/s${r.ok ? "" : ", smtp-source FAILED"})`
        )
        console.log(
          `pair ${pair} ${system} (load ${load}): ${cells.join("; ")}; peak RSS ${row.peakRssMb.toFixed(0)} MB`
        )
        if (perfDir !== undefined) {
          // perf reads the JIT's names from /tmp/perf-PID.map while the file is there.
          const [first, second] = [1, 2].map((r) => join(resolve(perfDir), `${labelOf(system)}.p${pair}.r${r}.data`))
          console.log(
            spawnSync("node", [join(here, "bench/tier-split.mjs"), first, ...(runs >= 2 ? [second] : [])], {
              encoding: "utf8"
            }).stdout
          )
          if (runs >= 2)
            console.log(
              spawnSync("node", [join(here, "bench/first-run-kinds.mjs"), first, second, "--top", "25"], {
                encoding: "utf8"
              }).stdout
            )
        }
      } finally {
        await procs.stop(gw.child)
        await procs.stop(sink.child)
        if (perfDir !== undefined) {
          // The JIT's names stay with the recordings (bench/first-run-kinds.mjs reads them later).
          const map = `/tmp/perf-${gw.child.pid}.map`
          if (existsSync(map)) copyFileSync(map, join(resolve(perfDir), `${labelOf(system)}.p${pair}.map`))
          rmSync(map, { force: true })
        }
      }
      if (log !== undefined) {
        const names = [
          "start + warm-up",
          ...Array.from({ length: runs }, (_, i) => (replayToo && i === runs - 1 ? "replay" : `run ${i + 1}`)),
          "stop"
        ]
        jitSegments(readFileSync(log, "utf8")).forEach((s, i) => {
          console.log(segmentReport(s, `${system} pair ${pair}, ${names[i] ?? `segment ${i}`}`, 30))
        })
      }
    }
  }
} finally {
  await procs.stopAll()
  rmSync(work, { recursive: true, force: true })
}

// Per pair, each system's run 1 (and run 2) against the first system's, then the medians.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
// Each run's process CPU and main thread's CPU per message: median [range], and the ratio to the
// list's first system in the same pair.
const cell = (system, i, key) => {
  const mine = rows.filter((r) => r.system === system)
  const v = mine.map((r) => r.runs[i][key])
  const ratios = mine.map((r) => {
    const first = rows.find((x) => x.pair === r.pair && x.system === checkouts[0])
    return r.runs[i][key] / first.runs[i][key]
  })
  return `${median(v).toFixed(3)} [${Math.min(...v).toFixed(3)}-${Math.max(...v).toFixed(3)}] | ${ratios.map((x) => `×${x.toFixed(2)}`).join(", ")} (median ×${median(ratios).toFixed(2)}) |`
}
console.log(
  `\n| system | ${Array.from({ length: runs }, (_, i) => `run ${i + 1} CPU ms/msg, median [range] | × ${checkouts[0]} per pair | main thread ms/msg | × per pair |`).join(" ")}`
)
for (const system of checkouts) {
  const cells = Array.from(
    { length: runs },
    (_, i) => `${cell(system, i, "cpuMsPerMsg")} ${cell(system, i, "mainMsPerMsg")}`
  )
  const rss = rows.filter((r) => r.system === system).map((r) => r.peakRssMb)
  console.log(
    `| ${system} | ${cells.join(" ")} peak RSS ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MB |`
  )
}
