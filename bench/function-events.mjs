#!/usr/bin/env node
// Counts V8's function events (`--log-function-events --logfile=- --no-logfile-per-isolate`: each
// function's parse, bytecode compilation, first execution, Sparkplug compilation) per segment of a
// gateway's life, cut where bench/gc-probe.mjs ran its markers (gcProbeMarkN). First-use work
// counted, not timed: how many functions each segment compiled and ran for the first time, and
// what V8 reports they took (ms, main thread; this one moves with the machine's load).
//
//   GW_NODE_FLAGS="--import $PWD/bench/gc-probe.mjs --log-function-events --logfile=- \
//     --no-logfile-per-isolate" flock /tmp/peers-harness.lock node bench/peers.mjs --keep DIR ...
//   node bench/function-events.mjs DIR/results/LABEL.out [...more]
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import { functionEvent } from "./gc-lines.mjs"

const names = ["start-up", "warm-up", "run 1", "run 2", "replay"]
const EVENTS = ["parse-function", "full-parse", "interpreter", "first-execution", "baseline"]

for (const file of process.argv.slice(2)) {
  const segments = names.map((name) => ({ name, counts: {}, ms: {} }))
  let at = 0
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    const e = functionEvent(line)
    if (e === undefined) continue
    if (e.mark !== undefined) {
      at = e.mark
      segments[at] ??= { name: `segment ${at}`, counts: {}, ms: {} }
      continue
    }
    const s = segments[at]
    s.counts[e.event] = (s.counts[e.event] ?? 0) + 1
    s.ms[e.event] = (s.ms[e.event] ?? 0) + e.ms
  }
  console.log(`\n${file}\n\n| segment | ${EVENTS.join(" | ")} | compile ms (parse + interpreter + baseline) |`)
  console.log(`|---|${EVENTS.map(() => "---").join("|")}|---|`)
  for (const s of segments) {
    const ms = (s.ms["parse-function"] ?? 0) + (s.ms.interpreter ?? 0) + (s.ms.baseline ?? 0)
    console.log(`| ${s.name} | ${EVENTS.map((e) => s.counts[e] ?? 0).join(" | ")} | ${ms.toFixed(1)} |`)
  }
}
