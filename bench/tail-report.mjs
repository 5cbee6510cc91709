// The report of bench/tail-breakdown.mjs, from its runs (the `--json FILE` it wrote): for one run,
// the latency distribution, each step's mean time in the median band, p90-p99 and the slowest 1 %,
// and what the sessions of each band met while open; for several, one row per run with each run's
// p99 against the first system's in its round.
//
//   node bench/tail-report.mjs FILE
import { readFileSync } from "node:fs"

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
const mean = (xs) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length)
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-")

/**
 * The gateway's CPU time (ms, every thread) at monotonic time `t`, interpolated between the
 * probe's samples (`probe.cpu`: [time, cpu, time, cpu, ...]); undefined without samples.
 */
export const cpuClock = (probe) => {
  const xs = probe.cpu ?? []
  const n = xs.length / 2
  if (n < 2) return undefined
  return (t) => {
    let lo = 0
    let hi = n - 1
    if (t <= xs[0]) return xs[1]
    if (t >= xs[2 * hi]) return xs[2 * hi + 1]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (xs[2 * mid] <= t) lo = mid
      else hi = mid
    }
    const [t0, c0, t1, c1] = [xs[2 * lo], xs[2 * lo + 1], xs[2 * hi], xs[2 * hi + 1]]
    return c0 + ((c1 - c0) * (t - t0)) / (t1 - t0)
  }
}

/** Each session's latency counted in the gateway's CPU ms spent meanwhile, sorted (undefined without samples). */
export const cpuLatencies = (run) => {
  const at = cpuClock(run.probe)
  if (at === undefined) return undefined
  return run.results
    .filter((r) => r.ok)
    .map((r) => at(r.t.dot) - at(r.t.start))
    .sort((a, b) => a - b)
}

export const report = (run, conc = run.conc ?? 20) => {
  const { results, probe, wallMs } = run
  const ok = results.filter((r) => r.ok)
  const failed = results.length - ok.length
  const why = {}
  for (const r of results) if (!r.ok) why[r.why] = (why[r.why] ?? 0) + 1
  const total = (r) => r.t.dot - r.t.start
  const sorted = [...ok].sort((a, b) => total(a) - total(b))
  const lat = sorted.map(total)
  const byId = new Map(probe.messages.map((m) => [m.id, m]))
  // The accepted connection of a session: its client port, accepted after the client began.
  const acceptsByPort = new Map()
  for (const [at, port] of probe.accepts) {
    if (!acceptsByPort.has(port)) acceptsByPort.set(port, [])
    acceptsByPort.get(port).push(at)
  }
  const acceptOf = (r) => acceptsByPort.get(r.t.port)?.find((at) => at >= r.t.start - 1)
  // Each session's steps, in ms.
  const steps = (r) => {
    const m = byId.get(r.id)
    const accepted = acceptOf(r)
    return {
      connect: accepted === undefined ? Number.NaN : accepted - r.t.start,
      greeting: accepted === undefined ? r.t.greeting - r.t.start : r.t.greeting - accepted,
      ehlo: r.t.ehlo - r.t.greeting,
      mail: r.t.mail - r.t.ehlo,
      rcpt: r.t.rcpt - r.t.mail,
      data: r.t.data - r.t.rcpt,
      dotToData: m?.dataAt === undefined ? Number.NaN : m.dataAt - r.t.data,
      dotToMessage: m === undefined ? Number.NaN : m.writtenAt - r.t.data,
      reply: m === undefined ? Number.NaN : r.t.dot - m.writtenAt,
      dot: r.t.dot - r.t.data
    }
  }
  const names = ["connect", "greeting", "ehlo", "mail", "rcpt", "data", "dot", "dotToData", "dotToMessage", "reply"]
  const n = sorted.length
  const bands = {
    "p45-p55": sorted.slice(Math.floor(n * 0.45), Math.floor(n * 0.55)),
    "p90-p99": sorted.slice(Math.floor(n * 0.9), Math.floor(n * 0.99)),
    "slowest 1 %": sorted.slice(Math.floor(n * 0.99))
  }
  const lines = []
  const say = (s) => lines.push(s)
  say(
    `\n## ${run.checkout}: ${ok.length} delivered, ${failed} failed${failed > 0 ? ` ${JSON.stringify(why)}` : ""}, ${f1((ok.length * 1000) / wallMs)} msgs/s`
  )
  say(
    `gateway CPU ${(run.cpu.gatewayMs / results.length).toFixed(2)} ms per message, ${f1((100 * run.cpu.gatewayMs) / wallMs)} % of a core; the machine busy ${f1((100 * run.cpu.machineBusyMs) / wallMs)} % of a core (all processes, this bench's included)`
  )
  say(
    `latency ms: mean ${f1(mean(lat))}, p50 ${f1(pct(lat, 0.5))}, p90 ${f1(pct(lat, 0.9))}, p99 ${f1(pct(lat, 0.99))}, max ${f1(lat[n - 1])}; p99/mean x${(pct(lat, 0.99) / mean(lat)).toFixed(2)}; Little's law ${conc}/throughput ${f1((conc * wallMs) / ok.length)} ms`
  )
  const cpuLat = cpuLatencies(run)
  if (cpuLat !== undefined)
    say(
      `gateway CPU ms spent while a session was open: mean ${f1(mean(cpuLat))}, p50 ${f1(pct(cpuLat, 0.5))}, p90 ${f1(pct(cpuLat, 0.9))}, p99 ${f1(pct(cpuLat, 0.99))}, max ${f1(cpuLat.at(-1))}; p99/mean x${(pct(cpuLat, 0.99) / mean(cpuLat)).toFixed(2)}`
    )
  say(`\n| step, mean ms | ${Object.keys(bands).join(" | ")} |`)
  say(
    `|---|${Object.keys(bands)
      .map(() => "---")
      .join("|")}|`
  )
  for (const name of names) {
    say(
      `| ${name} | ${Object.values(bands)
        .map((b) => f1(mean(b.map((r) => steps(r)[name]).filter(Number.isFinite))))
        .join(" | ")} |`
    )
  }
  say(
    `| total | ${Object.values(bands)
      .map((b) => f1(mean(b.map(total))))
      .join(" | ")} |`
  )
  // What each band's sessions met while they were open.
  const within = (r, list, at = (e) => e[0]) => list.filter((e) => at(e) >= r.t.start && at(e) < r.t.dot)
  const met = (b) => {
    const gcMs = mean(b.map((r) => within(r, probe.gc).reduce((s, e) => s + e[1], 0)))
    const gcMax = mean(b.map((r) => Math.max(0, ...within(r, probe.gc).map((e) => e[1]))))
    const gapMs = mean(b.map((r) => within(r, probe.gaps).reduce((s, e) => s + e[1], 0)))
    const gapMax = mean(b.map((r) => Math.max(0, ...within(r, probe.gaps).map((e) => e[1]))))
    const fresh = b.filter((r) => {
      const m = byId.get(r.id)
      return m !== undefined && m.connectedAt >= r.t.start
    }).length
    const dnsMax = mean(b.map((r) => Math.max(0, ...within(r, probe.dns).map((e) => e[1]))))
    const accepts = mean(b.map((r) => within(r, probe.accepts).length))
    // perf_hooks' kind 4 is a major collection (NODE_PERFORMANCE_GC_MAJOR).
    const major = b.filter((r) => within(r, probe.gc).some((e) => e[2] === 4)).length
    return {
      gcMs,
      gcMax,
      gapMs,
      gapMax,
      freshShare: (100 * fresh) / b.length,
      majorShare: (100 * major) / b.length,
      dnsMax,
      accepts
    }
  }
  const metRows = Object.values(bands).map(met)
  say(`\n| while open (mean per session) | ${Object.keys(bands).join(" | ")} |`)
  say(
    `|---|${Object.keys(bands)
      .map(() => "---")
      .join("|")}|`
  )
  for (const [key, label] of [
    ["gcMs", "GC pause ms (sum)"],
    ["gcMax", "longest GC pause ms"],
    ["majorShare", "% that met a major GC"],
    ["gapMs", `event-loop turns > ${process.env.MM_TAIL_GAP_MS ?? 5} ms, ms (sum)`],
    ["gapMax", "longest turn ms"],
    ["dnsMax", "slowest DNS answer ms (any session's)"],
    ["accepts", "connections accepted meanwhile"],
    ["freshShare", "% on a downstream connection opened meanwhile"]
  ])
    say(`| ${label} | ${metRows.map((m) => f1(m[key])).join(" | ")} |`)
  const gcs = probe.gc.map((e) => e[1]).sort((a, b) => a - b)
  const gaps = probe.gaps.map((e) => e[1]).sort((a, b) => a - b)
  const dnsTimes = probe.dns.map((e) => e[1]).sort((a, b) => a - b)
  const dnsErrors = {}
  for (const e of probe.dns) dnsErrors[e[3]] = (dnsErrors[e[3]] ?? 0) + 1
  const kinds = {}
  for (const e of probe.gc) kinds[e[2]] = (kinds[e[2]] ?? 0) + e[1]
  say(
    `\ngateway: event loop busy ${f1(100 * probe.loop.utilisation)} % of the run; loop delay p50 ${f1(probe.loop.p50)} p99 ${f1(probe.loop.p99)} max ${f1(probe.loop.max)} ms; ` +
      `GC ${gcs.length} pauses, ${f1(gcs.reduce((a, b) => a + b, 0))} ms (${f1((100 * gcs.reduce((a, b) => a + b, 0)) / wallMs)} % of the run), p99 ${f1(pct(gcs, 0.99))} max ${f1(gcs.at(-1))} ms, ms by kind ${JSON.stringify(Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, Math.round(v)])))}; ` +
      `turns > gap: ${gaps.length}, ${f1(gaps.reduce((a, b) => a + b, 0))} ms, max ${f1(gaps.at(-1))} ms; ` +
      `downstream connections opened ${probe.connects.length}; DNS ${dnsTimes.length} questions (${JSON.stringify(dnsErrors)}), p50 ${f1(pct(dnsTimes, 0.5))} p99 ${f1(pct(dnsTimes, 0.99))} max ${f1(dnsTimes.at(-1))} ms`
  )
  return lines.join("\n")
}

/** One row per run, and each run's p99 and mean against the first system's in the same round. */
export const summary = (all, first = all[0]?.checkout) => {
  const figures = (run) => {
    const lat = run.results
      .filter((r) => r.ok)
      .map((r) => r.t.dot - r.t.start)
      .sort((a, b) => a - b)
    const gc = (kind) => run.probe.gc.filter((e) => e[2] === kind)
    const cpuLat = cpuLatencies(run) ?? [Number.NaN]
    return {
      cpuP50: pct(cpuLat, 0.5),
      cpuP99: pct(cpuLat, 0.99),
      cpuMean: mean(cpuLat),
      mps: (lat.length * 1000) / run.wallMs,
      mean: mean(lat),
      p50: pct(lat, 0.5),
      p99: pct(lat, 0.99),
      majors: gc(4).length,
      majorMs: gc(4).reduce((a, e) => a + e[1], 0),
      minors: gc(1).length,
      minorMs: gc(1).reduce((a, e) => a + e[1], 0),
      busy: 100 * run.probe.loop.utilisation,
      cpu: run.cpu.gatewayMs / run.results.length,
      rss: run.peakRssMb === undefined ? "-" : f1(run.peakRssMb)
    }
  }
  const lines = [
    "\n| system | round | msgs/s | mean ms | p50 | p99 | p99/mean | p99 / first's | major GCs (ms) | scavenges (ms) | loop busy % | CPU ms/msg | CPU-time latency p50, p99, p99/mean | peak RSS MB |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  ]
  for (const run of all) {
    const f = figures(run)
    const base = all.find((r) => r.round === run.round && r.checkout === first)
    const ratio = base === undefined || base === run ? "-" : `x${(f.p99 / figures(base).p99).toFixed(2)}`
    lines.push(
      `| ${run.checkout} | ${run.round} | ${f1(f.mps)} | ${f1(f.mean)} | ${f1(f.p50)} | ${f1(f.p99)} | ${(f.p99 / f.mean).toFixed(2)} | ${ratio} | ${f.majors} (${f1(f.majorMs)}) | ${f.minors} (${f1(f.minorMs)}) | ${f1(f.busy)} | ${f.cpu.toFixed(2)} | ${f1(f.cpuP50)}, ${f1(f.cpuP99)}, x${(f.cpuP99 / f.cpuMean).toFixed(2)} | ${f.rss} |`
    )
  }
  return lines.join("\n")
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = JSON.parse(readFileSync(process.argv[2], "utf8"))
  for (const run of runs) console.log(`\n# round ${run.round}${report(run)}`)
  if (runs.length > 1) console.log(summary(runs))
}
