#!/usr/bin/env node
// Reads bench/gc-probe.mjs's lines from a bench/peers.mjs results folder (each Mailmoat run's
// output is kept there as LABEL.out, or LABEL.rK.out with --rounds) and prints, per system and
// segment of the gateway's life (start-up, warm-up, run 1, run 2, replay): the scavenges and full
// collections, the main-thread pause, the bytes allocated and the CPU per message, each round's
// figure and, over several rounds, the median.
//
//   GW_NODE_FLAGS="--import $PWD/bench/gc-probe.mjs" flock /tmp/peers-harness.lock \
//     node bench/peers.mjs --systems mailmoat,mailmoat@/tmp/mm-base --rounds 2 --keep DIR ...
//   node bench/gc-summary.mjs DIR/results [--json]
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { probeLine } from "./gc-lines.mjs"

const dir = process.argv[2]
if (dir === undefined) {
  console.error("usage: node bench/gc-summary.mjs RESULTS_DIR [--json]")
  process.exit(2)
}
const json = process.argv.includes("--json")

// [label, round, segments] for every output file with probe lines.
const runs = []
for (const file of readdirSync(dir).sort()) {
  const match = /^(.+?)(?:\.r(\d+))?\.out$/.exec(file)
  if (match === null) continue
  const segments = readFileSync(join(dir, file), "utf8")
    .split("\n")
    .map(probeLine)
    .filter((segment) => segment !== undefined)
  if (segments.length > 0) runs.push({ label: match[1], round: Number(match[2] ?? 1), segments })
}
if (json) {
  console.log(JSON.stringify(runs))
  process.exit(0)
}

const perMessage = (s, n) => (s.sessions > 0 ? n / s.sessions : null)
const fmt = (n, digits) => (n === null ? "-" : n.toFixed(digits))
const middle = (xs) => {
  const sorted = xs.filter((x) => x !== null).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const half = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2
}
const columns = [
  ["scavenges", (s) => s.scavenges, 0],
  ["full GCs", (s) => s.fullGcs, 0],
  ["pause ms/msg", (s) => perMessage(s, s.pauseUs / 1000), 3],
  ["alloc KB/msg", (s) => perMessage(s, s.allocatedBytes / 1024), 0],
  ["survived KB/msg", (s) => (s.survivedBytes === undefined ? null : perMessage(s, s.survivedBytes / 1024)), 1],
  ["new space MB", (s) => s.newSpaceBytes / 1048576, 1],
  ["CPU ms/msg", (s) => perMessage(s, s.cpuMs), 2]
]

console.log(`| system | round | segment | sessions | ${columns.map(([name]) => name).join(" | ")} |`)
console.log(`|---|---|---|---|${columns.map(() => "---").join("|")}|`)
for (const { label, round, segments } of runs)
  for (const s of segments)
    console.log(
      `| ${label} | ${round} | ${s.segment} | ${s.sessions} | ${columns.map(([, pick, d]) => fmt(pick(s), d)).join(" | ")} |`
    )

const labels = [...new Set(runs.map((r) => r.label))]
if (runs.length > labels.length) {
  console.log(`\nMedians over the rounds:\n\n| system | segment | ${columns.map(([name]) => name).join(" | ")} |`)
  console.log(`|---|---|${columns.map(() => "---").join("|")}|`)
  for (const label of labels) {
    const of = runs.filter((r) => r.label === label)
    for (const name of [...new Set(of.flatMap((r) => r.segments.map((s) => s.segment)))]) {
      const segs = of.flatMap((r) => r.segments.filter((s) => s.segment === name))
      console.log(
        `| ${label} | ${name} | ${columns.map(([, pick, d]) => fmt(middle(segs.map(pick)), d)).join(" | ")} |`
      )
    }
  }
}
