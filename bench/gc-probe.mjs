// A preload that counts a gateway process's garbage collections run by run on the peer harness:
// `node --import ./bench/gc-probe.mjs apps/gateway/dist/main.js ...` (or through bench/peers.mjs:
// `GW_NODE_FLAGS="--import $PWD/bench/gc-probe.mjs"`). Node only (v8.GCProfiler, Node >= 18.15).
//
// The harness sends one message per SMTP session: a warm-up of 200, two smtp-source runs of 2,000,
// a replay run of 2,000. The probe counts the sessions the process accepts (diagnostics channel
// `net.server.socket`; MM_GC_PORT limits it to one listening port) and cuts the process's life at
// those counts (MM_GC_SEGMENTS, default "200,2000,2000,2000"): start-up (before the first
// session), then one segment per run; the last one ends at exit. For each it prints one line to
// stderr, `[gc-probe] {json}`: the sessions; the scavenges and full collections (V8's callbacks:
// `Scavenge`, `MarkSweepCompact`, `IncrementalMarking` steps) and their main-thread pause (the sum
// of GCProfiler's `cost`, µs); the bytes allocated (each collection's heap before it minus the
// previous one's after it, so a segment's last young generation counts in the next one); the
// bytes that survived the scavenges (kept young or promoted: what the scavenger copied, its work);
// the new space at the end; the process's CPU. Counts and bytes do not move with the machine's
// load; the pauses and the CPU do. bench/gc-summary.mjs reads the lines back from the harness's
// `.out` files.
//
// At each cut it also runs a function named gcProbeMarkN (N: the segment starting): a marker for
// bench/function-events.mjs in V8's function-event log, where one is written.
import { subscribe } from "node:diagnostics_channel"
import { performance } from "node:perf_hooks"
import * as v8 from "node:v8"
import { runInThisContext } from "node:vm"
import { formatProbeLine, summarizeCollections } from "./gc-lines.mjs"

const port = process.env.MM_GC_PORT === undefined ? undefined : Number(process.env.MM_GC_PORT)
const cuts = (process.env.MM_GC_SEGMENTS ?? "200,2000,2000,2000").split(",").map(Number)
const names = ["start-up", "warm-up", "run 1", "run 2", "replay"]
const nameOf = (index) => names[index] ?? `segment ${index}`

let segment = 0
let sessions = 0
let until = 0
let profiler = new v8.GCProfiler()
let cpuAt = process.cpuUsage()
let startedAt = performance.now()
// The heap after the last collection seen, carried across segments.
let usedAfter = v8.getHeapStatistics().used_heap_size

const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0

const close = () => {
  const { usedAfter: last, ...counts } = summarizeCollections(profiler.stop().statistics, usedAfter)
  usedAfter = last
  const cpu = process.cpuUsage(cpuAt)
  const line = formatProbeLine({
    segment: nameOf(segment),
    sessions,
    ...counts,
    newSpaceBytes: newSpace(),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    wallMs: Math.round(performance.now() - startedAt)
  })
  process.stderr.write(`${line}\n`)
}

const next = () => {
  close()
  segment++
  runInThisContext(`(function gcProbeMark${segment}() {})()`)
  sessions = 0
  until = cuts[segment - 1] ?? Number.POSITIVE_INFINITY
  profiler = new v8.GCProfiler()
  profiler.start()
  cpuAt = process.cpuUsage()
  startedAt = performance.now()
}

profiler.start()
// Start-up ends with the first session; each later segment ends with the session past its count.
subscribe("net.server.socket", ({ socket }) => {
  if (port !== undefined && socket.localPort !== port) return
  if (segment === 0 || sessions >= until) next()
  sessions++
})
process.on("exit", close)
