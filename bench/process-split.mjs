// Where the machine's CPU goes while the peer harness runs (bench/peers.mjs): every process is
// sampled from /proc (utime + stime, 10 ms ticks) every 200 ms, told apart by what it runs (the
// gateway's primary and each of its workers, smtp-source, smtp-sink, rbldnsd, the harness's own
// node scripts, its process monitor, this sampler, everything else: "foreign"), and each `smtp-source` run (a window in which an
// smtp-source process lives) is reported on its own: CPU seconds per group, ms per message of the
// 2,000, and the share of the machine's cores. Also the CPU the kernel spent in interrupts
// (/proc/stat's irq + softirq: loopback packets are processed there, charged to no process).
//
//   flock /tmp/peers-harness.lock sh -c 'node bench/process-split.mjs OUT.json & s=$!;
//     node bench/peers.mjs --harness ../shared/peers-bench --systems mailmoat:p2,mailmoat; kill -INT $s; wait'
//
// Start it under the harness's lock, as above: another session's harness (its smtp-source and
// gateway) would be counted too. SIGINT or SIGTERM writes OUT.json and prints the table.
//
// A two-process gateway's balance shows as its workers' CPU (each worker handles whole sessions,
// so unequal CPU is unequal sessions); what the primary spends per message is its share of the
// accepts, which `node:cluster`'s round-robin mode makes it do for every connection.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"

const out = process.argv[2] ?? "/tmp/process-split.json"
const MESSAGES = 2000 // one smtp-source run of the harness
const read = (path) => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return undefined
  }
}
const statOf = (pid) => {
  const s = read(`/proc/${pid}/stat`)
  if (s === undefined) return undefined
  const r = s.slice(s.lastIndexOf(")") + 2).split(" ")
  return {
    ppid: Number(r[1]),
    ticks: Number(r[11]) + Number(r[12]),
    comm: s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"))
  }
}
const cmdlines = new Map()
const cmdlineOf = (pid) => {
  let c = cmdlines.get(pid)
  if (c === undefined) {
    c = (read(`/proc/${pid}/cmdline`) ?? "").replace(/\0/g, " ")
    cmdlines.set(pid, c)
  }
  return c
}
const isGateway = (pid) => /apps\/gateway\/dist\/main\.js/.test(cmdlineOf(pid))
/** The group a process's CPU counts for. */
const groupOf = (pid, st, all) => {
  if (st.comm === "smtp-source") return "smtp-source"
  if (st.comm === "smtp-sink") return "smtp-sink"
  if (st.comm === "rbldnsd") return "rbldnsd"
  if (isGateway(pid)) {
    const parent = all.get(st.ppid)
    return parent !== undefined && isGateway(st.ppid) ? `worker ${pid}` : "primary"
  }
  if (pid === process.pid) return "this sampler"
  if (/procmon\.js/.test(cmdlineOf(pid))) return "harness procmon"
  if (/peers-bench|bench\/peers\.mjs|smtp-replay\.js/.test(cmdlineOf(pid))) return "harness"
  return "foreign"
}
const irqTicks = () => {
  const l = (read("/proc/stat") ?? "").split("\n")[0].trim().split(/\s+/).slice(1).map(Number)
  return { busy: l[0] + l[1] + l[2] + l[5] + l[6], irq: l[5] + l[6], idle: l[3] + l[4] }
}

const last = new Map() // pid -> ticks at the previous sample
const windows = [] // one per smtp-source run: { start, end, groups: Map, irq }
let current
let previousSystem = irqTicks()
const sample = () => {
  const all = new Map()
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue
    const st = statOf(d)
    if (st !== undefined) all.set(Number(d), st)
  }
  const system = irqTicks()
  const sourceLives = [...all.values()].some((s) => s.comm === "smtp-source")
  if (sourceLives && current === undefined) {
    current = { start: Date.now(), groups: new Map(), irq: 0, idle: 0 }
    windows.push(current)
  } else if (!sourceLives && current !== undefined) {
    current.end = Date.now()
    current = undefined
  }
  for (const [pid, st] of all) {
    // The gateway of the window: its first process (the primary, or the only one) has the lowest pid.
    if (current !== undefined && isGateway(pid) && !isGateway(st.ppid))
      current.gateway = Math.min(current.gateway ?? pid, pid)
    const before = last.get(pid)
    last.set(pid, st.ticks)
    if (current === undefined || before === undefined) continue
    const delta = st.ticks - before
    if (delta <= 0) continue
    const g = groupOf(pid, st, all)
    current.groups.set(g, (current.groups.get(g) ?? 0) + delta)
  }
  if (current !== undefined) {
    current.irq += system.irq - previousSystem.irq
    current.idle += system.idle - previousSystem.idle
  }
  previousSystem = system
}
const timer = setInterval(sample, 200)
sample()

const finish = () => {
  clearInterval(timer)
  if (current !== undefined) current.end = Date.now()
  const cores = cpus().length
  let primary
  const rows = windows
    .filter((w) => w.end !== undefined && w.end - w.start > 1000)
    .map((w, i) => {
      // A gateway's first window is the harness's warm-up (200 messages), its next ones its runs.
      const warmup = w.gateway !== primary
      primary = w.gateway
      const messages = warmup ? 200 : MESSAGES
      const wall = (w.end - w.start) / 1000
      const groups = Object.fromEntries([...w.groups].sort((a, b) => b[1] - a[1]).map(([g, t]) => [g, t / 100]))
      return { run: i + 1, warmup, messages, wall_s: wall, groups, irq_s: w.irq / 100, idle_s: w.idle / 100, cores }
    })
  writeFileSync(out, `${JSON.stringify(rows, null, 1)}\n`)
  for (const r of rows) {
    const MESSAGES = r.messages
    console.log(
      `smtp-source window ${r.run}${r.warmup ? " (warm-up)" : ""}: ${MESSAGES} msgs in ${r.wall_s.toFixed(1)} s, ${(MESSAGES / r.wall_s).toFixed(0)} msgs/s`
    )
    const total = r.wall_s * r.cores
    for (const [g, s] of Object.entries(r.groups))
      console.log(
        `  ${g.padEnd(16)} ${s.toFixed(2).padStart(7)} s  ${((1000 * s) / MESSAGES).toFixed(3).padStart(7)} ms/msg  ${((100 * s) / total).toFixed(1).padStart(5)} % of ${r.cores} cores`
      )
    console.log(
      `  ${"irq+softirq".padEnd(16)} ${r.irq_s.toFixed(2).padStart(7)} s  ${((1000 * r.irq_s) / MESSAGES).toFixed(3).padStart(7)} ms/msg  ${((100 * r.irq_s) / total).toFixed(1).padStart(5)} % of ${r.cores} cores`
    )
    console.log(
      `  ${"idle".padEnd(16)} ${r.idle_s.toFixed(2).padStart(7)} s  ${((100 * r.idle_s) / total).toFixed(1).padStart(25)} %`
    )
  }
  process.exit(0)
}
process.on("SIGINT", finish)
process.on("SIGTERM", finish)
