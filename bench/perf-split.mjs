#!/usr/bin/env node
// Where one process's CPU samples go, from a `perf record -g` of a gateway started with
// `--perf-basic-prof` (so JIT frames have names): V8's worker threads (compiling, or garbage
// collection and the rest) and the main thread by what runs there: the kernel (by the system call
// it serves), garbage collection, libuv and Node's C++ with no JavaScript on the stack, and
// otherwise the nearest JavaScript frame's owner (Node's own JS, packages/protocols,
// apps/gateway, core/effect/dependencies), builtins and inline-cache misses included.
//
//   GW_NODE_FLAGS=--perf-basic-prof node bench/transport.mjs --messages 4000 --conc 20 &
//   perf record -F 999 -g -p GATEWAY_PID -o FILE -- sleep 12      # after the warm-up
//   node bench/perf-split.mjs FILE [--spans] [--from S --to S] [--owners]
//
// perf samples CPU time (a thread off the CPU is not sampled), unlike `node --cpu-prof`, which
// samples the JavaScript thread on a wall-clock timer: a thread descheduled inside a system call
// (a loopback write that wakes the peer) is counted there as the call's, so the socket writes'
// share of a loaded machine's `--cpu-prof` profile is several times their CPU.
//
// One recording can span a whole harness run (`perf record -p PID` from the gateway's start to
// its end; bench/peers.mjs passes `--perf-basic-prof` with GW_NODE_FLAGS). `--spans` prints the
// samples of each second (from the first sample): the gateway is nearly idle between the
// harness's runs, so each run is a block of busy seconds. `--from S --to S` then keeps one block
// (seconds after the first sample): the second `smtp-source` run is the repeated message.
//
// `--owners` adds the main thread's samples by owner, the nearest JavaScript frame mapped through
// its bundle's source map (the `dist/*.js.map` beside it) to the source file: the classifier,
// the message analysis, the list stages, sender authentication, the engine and pipeline,
// Effect's runtime, the SMTP ingress, the relay client, the gateway, Node's own JavaScript. A
// function TurboFan inlined into another counts as the one it was inlined into.
//
// Kernel frames are told by their DSO (`[kernel.kallsyms]`). JIT code addresses are reused as
// code is collected, so a frame can be misnamed now and then; the shares by owner are what this
// is for, not single functions.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { SourceMap } from "node:module"
import { fileURLToPath } from "node:url"

const file = process.argv[2]
if (file === undefined || file.startsWith("--"))
  throw new Error("usage: node bench/perf-split.mjs PERF_DATA [--spans] [--from S --to S] [--owners]")
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : undefined
}
const from = arg("from") ?? Number.NEGATIVE_INFINITY
const to = arg("to") ?? Number.POSITIVE_INFINITY
const out = execFileSync("perf", ["script", "-i", file, "-F", "tid,time,ip,sym,dso"], {
  maxBuffer: 1 << 30
}).toString()
/** Each sample: its thread, its time (s) and its frames, leaf first, as `symbol (dso)`. */
const all = out
  .split("\n\n")
  .map((s) => s.trim().split("\n"))
  .filter((l) => l[0])
  .map((l) => {
    const [tid, time] = l[0].trim().split(/\s+/)
    return { tid, time: Number.parseFloat(time), frames: l.slice(1).map((x) => x.trim().replace(/^[0-9a-f]+\s+/, "")) }
  })
if (all.length === 0) throw new Error(`no samples in ${file}`)
const perThread = new Map()
for (const s of all) perThread.set(s.tid, (perThread.get(s.tid) ?? 0) + 1)
const main = [...perThread].sort((a, b) => b[1] - a[1])[0][0]
const start = all[0].time

if (process.argv.includes("--spans")) {
  const perSecond = []
  for (const s of all) {
    if (s.tid !== main) continue
    const at = Math.floor(s.time - start)
    perSecond[at] = (perSecond[at] ?? 0) + 1
  }
  console.log(`main thread samples per second from the first sample:`)
  console.log(Array.from(perSecond, (n, i) => `${i}:${n ?? 0}`).join(" "))
}

const samples = all.filter((s) => s.time - start >= from && s.time - start <= to)
const isKernel = (frame) => frame.endsWith("([kernel.kallsyms])")
const SYSCALL =
  /__GI___libc_(write|read|writev|close|shutdown)|epoll_wait|__GI___(close|writev|read|write)|accept4|epoll_ctl|getpeername|setsockopt/

// Source maps of the bundles, by file URL (null: none).
const maps = new Map()
const mapOf = (url) => {
  if (!maps.has(url)) {
    let map = null
    try {
      const path = fileURLToPath(url)
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8")))
    } catch {}
    maps.set(url, map)
  }
  return maps.get(url)
}
// The source a JIT frame (`JS:*name file:///...js:LINE:COL (/tmp/perf-PID.map)`) was built from.
const sources = new Map()
const sourceOf = (frame) => {
  let source = sources.get(frame)
  if (source !== undefined) return source
  const at = frame.match(/(file:\/\/\S+?):(\d+):(\d+)/)
  source = frame.match(/(node:\S+?):\d+:\d+/)?.[1] ?? "other"
  if (at !== null) {
    const entry = mapOf(at[1])?.findEntry(Number(at[2]) - 1, Number(at[3]) - 1)
    // The map names sources relative to the bundle (`../src/...`).
    source = entry?.originalSource ? new URL(entry.originalSource, at[1]).pathname : at[1]
  }
  sources.set(frame, source)
  return source
}
const OWNERS = [
  ["classifier", /antispam\/src\/classifier\//],
  ["message analysis", /core\/src\/message\/|antispam\/src\/(analysis|received)\//],
  [
    "list stages (RBL, DNSBL, end-user, bypass)",
    /antispam\/src\/(rbl|dnsbl|enduser|bypass|blocklist|health)\/|core\/src\/blocklist\//
  ],
  ["sender authentication", /antispam\/src\/auth\/|mailauth/],
  ["DNS", /core\/src\/dns\/|platform-node\/src\/|node:internal\/dns/],
  ["engine and pipeline", /core\/src\/(engine|pipeline|policy)\/|core\/src\/(FiberClock|Deadline|Facts|Envelope)\.ts/],
  ["Effect's runtime", /\/effect\/(src|dist)\//],
  ["other antispam and core", /antispam\/src\/|core\/src\//],
  ["SMTP ingress (protocols/src/smtp)", /protocols\/src\/smtp\//],
  ["relay client (protocols/src/delivery)", /protocols\/src\/delivery\//],
  ["gateway (apps/gateway)", /apps\/gateway\/src\//],
  ["Node's JavaScript", /^node:/]
]
const ownerOf = (source) => OWNERS.find(([, re]) => re.test(source))?.[0] ?? "other JavaScript"

const shares = new Map()
const owners = new Map()
const add = (m, k) => m.set(k, (m.get(k) ?? 0) + 1)
let mainSamples = 0
for (const { tid, frames } of samples) {
  if (tid !== main) {
    add(
      shares,
      frames.some((f) => /compiler|Compile|Turbofan|Maglev/i.test(f))
        ? "V8 workers: compiling"
        : "V8 workers: GC and other"
    )
    continue
  }
  mainSamples++
  const leaf = frames[0] ?? ""
  let where
  if (isKernel(leaf) || /__GI___libc|epoll_wait|accept4/.test(leaf)) {
    const call = frames.find((f) => SYSCALL.test(f))
    const name = call?.match(
      /(writev|write|read|close|shutdown|accept4|epoll_wait|epoll_ctl|getpeername|setsockopt)/
    )?.[1]
    where = `kernel (${name ?? "other"})`
  } else if (/Scavenge|MarkCompact|Heap::|Sweeper|Marking/.test(leaf)) where = "garbage collection"
  else {
    const js = frames.find((f) => f.startsWith("JS:"))
    if (js === undefined) where = "libuv and Node's C++, no JavaScript"
    else {
      add(owners, ownerOf(sourceOf(js)))
      if (/packages\/protocols/.test(js)) where = "packages/protocols"
      else if (/apps\/gateway/.test(js)) where = "apps/gateway"
      else if (/packages\/core|packages\/antispam|node_modules/.test(js)) where = "core, antispam, effect, dependencies"
      else if (/node:/.test(js)) where = "Node's JavaScript (net, streams, timers, ticks)"
      else where = "other JavaScript"
    }
  }
  add(shares, `main: ${where}`)
}
console.log(`| where (${samples.length} samples) | share |`)
console.log("|---|---|")
for (const [k, c] of [...shares].sort((a, b) => b[1] - a[1]))
  console.log(`| ${k} | ${((100 * c) / samples.length).toFixed(1)} % |`)
if (process.argv.includes("--owners")) {
  const js = [...owners.values()].reduce((a, b) => a + b, 0)
  console.log(
    `\n| main thread's JavaScript by owner (${js} of ${mainSamples} main-thread samples) | share of the process |`
  )
  console.log("|---|---|")
  for (const [k, c] of [...owners].sort((a, b) => b[1] - a[1]))
    console.log(`| ${k} | ${((100 * c) / samples.length).toFixed(1)} % |`)
}
