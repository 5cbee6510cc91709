#!/usr/bin/env node
// What a V8 flag set from inside a running process (`v8.setFlagsFromString`, the way
// apps/gateway/src/HeapTuning.ts sets its heap flags) does to garbage collection: a child process
// sets the flags given after `--`, then allocates objects of which some survive a few scavenges
// (enough of them reach the old generation that full collections run too), and prints the CPU of
// each of its threads (/proc, Linux) and whether it exited cleanly (a V8 fatal error's check is
// printed). The same load with the flags on node's command line (--cmdline) shows what V8 does
// when it reads them at start.
//
//   node bench/gc-threads.mjs [--cmdline] [-- --no-parallel-scavenge ...]
//
// Node 20 names no thread: the first figure is the main thread, then Node's helper and V8's
// platform workers (GC and concurrent compilation) in creation order.
import { spawnSync } from "node:child_process"
import { threadCpuMs } from "./own-thread-cpu.mjs"

const child = () => {
  const v8 = require("node:v8")
  for (const flag of JSON.parse(process.argv[process.argv.length - 1])) v8.setFlagsFromString(flag)
  let young = []
  for (let i = 0; i < 6_000_000; i++) {
    young.push({ i, s: `x${i}` })
    if (young.length > 300_000) young = young.slice(150_000)
  }
  const ticks = threadCpuMs()
  console.log(JSON.stringify({ threadsMs: ticks.filter((ms) => ms > 0), totalMs: ticks.reduce((a, b) => a + b, 0) }))
}

const dash = process.argv.indexOf("--")
const flags = dash < 0 ? [] : process.argv.slice(dash + 1)
const cmdline = process.argv.includes("--cmdline")
const r = spawnSync(
  process.execPath,
  [
    ...(cmdline ? flags : []),
    "--input-type=commonjs",
    "-e",
    `const threadCpuMs = ${threadCpuMs}; (${child})()`,
    JSON.stringify(cmdline ? [] : flags)
  ],
  { encoding: "utf8" }
)
const fatal = /Fatal error[^\n]*\n#\s*([^\n]+)/.exec(r.stderr ?? "")
console.log(
  JSON.stringify({
    flags,
    where: cmdline ? "command line" : "v8.setFlagsFromString at run time",
    status: r.status,
    signal: r.signal,
    result: (r.stdout ?? "").trim() || null,
    fatal: fatal ? fatal[1] : null
  })
)
