#!/usr/bin/env node
// What the slowest sessions of a bench/tail-breakdown.mjs run have in common, from its `--json FILE`:
// where in the run they were open (the replay's first `--start-ms`, when the new senders' code is
// still being compiled after the smtp-source warm-up), whether a major GC fell while they were
// open, and the p99 of the sessions left when those are set aside; the accept backlog (sessions
// whose client had connected but which the gateway had not accepted yet, seen at each accept);
// and the latency counted in the gateway's CPU time (bench/tail-report.mjs `cpuLatencies`).
//
//   node bench/tail-episodes.mjs FILE [--start-ms 600] [--share 0.02]
import { readFileSync } from "node:fs"
import { cpuLatencies } from "./tail-report.mjs"

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}
const startMs = arg("start-ms", 600)
const share = arg("share", 0.02)
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-")
const p99Of = (xs) =>
  pct(
    [...xs].sort((a, b) => a - b),
    0.99
  )

/** The accept of a session: the first accept of its client port after it began. */
const acceptsOf = (run) => {
  const byPort = new Map()
  for (const [at, port] of run.probe.accepts) {
    if (!byPort.has(port)) byPort.set(port, [])
    byPort.get(port).push(at)
  }
  return (r) => byPort.get(r.t.port)?.find((at) => at >= r.t.start - 1)
}

export const episodes = (run) => {
  const ok = run.results.filter((r) => r.ok)
  const total = (r) => r.t.dot - r.t.start
  const t0 = Math.min(...ok.map((r) => r.t.start))
  const majors = run.probe.gc.filter((e) => e[2] === 4)
  const metMajor = (r) => majors.some((g) => g[0] + g[1] >= r.t.start && g[0] < r.t.dot)
  const early = (r) => r.t.start - t0 < startMs
  const sorted = [...ok].sort((a, b) => total(a) - total(b))
  const slow = sorted.slice(Math.floor(sorted.length * (1 - share)))
  const acceptOf = acceptsOf(run)
  // Backlog seen at each accept: sessions whose client had connected and that were not accepted yet.
  const waits = ok.map((r) => [r.t.connected ?? r.t.start, acceptOf(r)]).filter(([, a]) => a !== undefined)
  const depth = waits.map(([, a]) => waits.filter(([c, b]) => c <= a && b > a).length)
  const lines = [
    `\n## ${run.checkout}${run.round === undefined ? "" : `, round ${run.round}`}: p99 ${f1(p99Of(ok.map(total)))} ms, mean ${f1(mean(ok.map(total)))}`,
    `slowest ${(share * 100).toFixed(0)} % (${slow.length}): open in the replay's first ${startMs} ms ${slow.filter(early).length}, ` +
      `met a major GC ${slow.filter(metMajor).length}, both ${slow.filter((r) => early(r) && metMajor(r)).length}, neither ${slow.filter((r) => !early(r) && !metMajor(r)).length}`,
    `p99 of the sessions left: without the first ${startMs} ms ${f1(p99Of(ok.filter((r) => !early(r)).map(total)))}, ` +
      `and without those that met a major GC ${f1(p99Of(ok.filter((r) => !early(r) && !metMajor(r)).map(total)))} ms ` +
      `(${majors.length} major GCs, ${ok.filter(metMajor).length} sessions met one)`,
    `accept backlog: client connected to our accept median ${f1(
      pct(
        waits.map(([c, a]) => a - c).sort((a, b) => a - b),
        0.5
      )
    )} ms, ` +
      `p99 ${f1(
        pct(
          waits.map(([c, a]) => a - c).sort((a, b) => a - b),
          0.99
        )
      )}; sessions still waiting at an accept: mean ${f1(mean(depth))}, max ${Math.max(...depth)}`
  ]
  const cpu = cpuLatencies(run)
  if (cpu !== undefined)
    lines.push(
      `in the gateway's CPU time (ms spent while a session was open): p50 ${f1(pct(cpu, 0.5))}, p99 ${f1(pct(cpu, 0.99))}, mean ${f1(mean(cpu))}`
    )
  return lines.join("\n")
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const run of JSON.parse(readFileSync(process.argv[2], "utf8"))) console.log(episodes(run))
}
