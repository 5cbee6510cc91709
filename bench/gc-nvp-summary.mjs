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
//
// `--major` also prints every mark-compact: its segment, its main-thread pause and the phases of
// that pause V8 names (`mark`: what marking had left; `evacuate`: the young generation's live
// objects moved to the old one and any old pages compacted; `clear`: weak references, maps,
// weak collections; `finish`; `weak_handles`: the embedder's weak handles' callbacks), how long
// incremental marking ran before it, and the heap before and after (MB). The pauses move with
// the machine's load; a phase that stays large on a quiet machine is the one to look at.
import { readFileSync } from "node:fs"

const field = (line, name) => {
  const match = line.match(new RegExp(`(?:^|\\s)${name}=(\\S+)`))
  return match === null ? undefined : match[1]
}

const PHASES = ["mark", "evacuate", "clear", "finish", "heap.external.weak_global_handles"]

const summarize = (text, majors = []) => {
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
    } else if (kind === "mc") {
      current.markCompacts++
      majors.push({
        segment: rows.length,
        pause: field(line, "pause"),
        phases: PHASES.map((p) => field(line, p) ?? "-"),
        incrementalMs: field(line, "incremental_walltime_duration") ?? "-",
        before: Number(field(line, "total_size_before") ?? 0),
        after: Number(field(line, "total_size_after") ?? 0)
      })
    }
  }
  return rows
}

const kb = (bytes, sessions) => (sessions > 0 ? (bytes / 1024 / sessions).toFixed(1) : "-")
console.log("| file | segment | sessions | scavenges | mark-compacts | promoted KB/msg | kept young KB/msg |")
console.log("|---|---|---|---|---|---|---|")
const files = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const majorsWanted = process.argv.includes("--major")
const majors = []
for (const file of files) {
  const name = file.split("/").slice(-1)[0]
  const own = []
  const rows = summarize(readFileSync(file, "utf8"), own)
  for (const m of own) majors.push({ name, segmentName: rows[m.segment]?.segment ?? "(after the last cut)", ...m })
  for (const row of rows)
    console.log(
      `| ${name} | ${row.segment} | ${row.sessions} | ${row.scavenges} | ${row.markCompacts} | ${kb(row.promoted, row.sessions)} | ${kb(row.keptYoung, row.sessions)} |`
    )
}

if (majorsWanted) {
  const mb = (bytes) => (bytes / 1048576).toFixed(1)
  console.log(
    "\n| file | segment | pause ms | mark | evacuate | clear | finish | weak_handles | incremental ms before | heap MB before, after |"
  )
  console.log("|---|---|---|---|---|---|---|---|---|---|")
  for (const m of majors)
    console.log(
      `| ${m.name} | ${m.segmentName} | ${m.pause} | ${m.phases.join(" | ")} | ${m.incrementalMs} | ${mb(m.before)}, ${mb(m.after)} |`
    )
}
