#!/usr/bin/env node
// Sums V8's `--trace-gc-nvp` lines of a gateway's output per harness segment: the bytes each
// scavenge promoted (`promoted=`) and kept young (`new_space_survived=`), and the collections by
// kind (`gc=s` scavenge, `gc=mc` mark-compact). The segments are cut where bench/gc-probe.mjs
// printed its `[gc-probe]` lines (one at the end of each segment), so run the gateway with both:
//
//   GW_NODE_FLAGS="--trace-gc-nvp --import $PWD/bench/gc-probe.mjs" \
//     flock /tmp/peers-harness.lock node bench/peers.mjs --harness ../shared/peers-bench --keep DIR ...
//   node bench/gc-nvp-summary.mjs DIR/results/LABEL.out [...]
//
// Per segment: sessions, scavenges, mark-compacts, KB promoted and KB kept young per session.
// These are counts: the machine's load does not move them.
import { readFileSync } from "node:fs"

const field = (line, name) => {
  const match = line.match(new RegExp(`(?:^|\\s)${name}=(\\S+)`))
  return match === null ? undefined : match[1]
}

const summarize = (text) => {
  const rows = []
  let current = { scavenges: 0, markCompacts: 0, promoted: 0, keptYoung: 0 }
  for (const line of text.split("\n")) {
    const probe = line.indexOf("[gc-probe] ")
    if (probe >= 0) {
      const segment = JSON.parse(line.slice(probe + 11))
      rows.push({ segment: segment.segment, sessions: segment.sessions, ...current })
      current = { scavenges: 0, markCompacts: 0, promoted: 0, keptYoung: 0 }
      continue
    }
    const kind = field(line, "gc")
    if (kind === undefined) continue
    if (kind === "s") {
      current.scavenges++
      current.promoted += Number(field(line, "promoted") ?? 0)
      current.keptYoung += Number(field(line, "new_space_survived") ?? 0)
    } else if (kind === "mc") current.markCompacts++
  }
  return rows
}

const kb = (bytes, sessions) => (sessions > 0 ? (bytes / 1024 / sessions).toFixed(1) : "-")
console.log("| file | segment | sessions | scavenges | mark-compacts | promoted KB/msg | kept young KB/msg |")
console.log("|---|---|---|---|---|---|---|")
for (const file of process.argv.slice(2)) {
  const name = file.split("/").slice(-1)[0]
  for (const row of summarize(readFileSync(file, "utf8")))
    console.log(
      `| ${name} | ${row.segment} | ${row.sessions} | ${row.scavenges} | ${row.markCompacts} | ${kb(row.promoted, row.sessions)} | ${kb(row.keptYoung, row.sessions)} |`
    )
}
