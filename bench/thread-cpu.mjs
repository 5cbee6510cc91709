#!/usr/bin/env node
// CPU per thread of one running process (Linux /proc): where a gateway's CPU goes besides its
// JavaScript thread (V8's platform workers: GC and concurrent compilation; libuv's thread pool:
// fs, dns.lookup, crypto, zlib). It waits for a process whose command line contains MATCH (or
// takes --pid), reads every thread's utime/stime and context switches after --skip seconds, and
// again just before the process exits (or after --seconds), and prints the difference per thread
// (per message with --messages N).
//
//   node bench/thread-cpu.mjs --match /work/wt-x/apps/gateway/dist/main.js [--skip 3] [--messages 4000]
//   node bench/thread-cpu.mjs --pid 1234 --seconds 20
//
// With bench/peers.mjs, start it beside the harness run (under the same flock) with the main.js
// of the checkout being measured; Node 20 names no thread, so the table lists them in creation
// order: the main thread first, then (Node 20) one helper, V8's platform workers (4 by default),
// the inspector's thread, and libuv's thread-pool threads, created when first needed.
import { existsSync, readdirSync, readFileSync } from "node:fs"

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const match = arg("match", undefined)
const skip = Number(arg("skip", "3"))
const seconds = arg("seconds", undefined)
const messages = arg("messages", undefined)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const hz = 100

const findPid = async () => {
  if (arg("pid", undefined) !== undefined) return Number(arg("pid"))
  if (match === undefined) throw new Error("--pid PID or --match TEXT")
  for (;;) {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
      try {
        const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ")
        if (cmd.includes(match) && !cmd.includes("thread-cpu.mjs")) return Number(name)
      } catch {}
    }
    await sleep(100)
  }
}

/** Every thread's name, utime, stime (ticks) and context switches; undefined once it is gone. */
const read = (pid) => {
  const threads = new Map()
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const base = `/proc/${pid}/task/${tid}`
      const fields = readFileSync(`${base}/stat`, "utf8").split(") ")[1].split(" ")
      const status = readFileSync(`${base}/status`, "utf8")
      const switches = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
      threads.set(tid, {
        name: readFileSync(`${base}/comm`, "utf8").trim(),
        user: Number(fields[11]),
        system: Number(fields[12]),
        voluntary: switches("voluntary_ctxt_switches"),
        involuntary: switches("nonvoluntary_ctxt_switches")
      })
    }
  } catch {
    return undefined
  }
  return threads
}

const pid = await findPid()
console.log(`pid ${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim()}`)
await sleep(skip * 1000)
const first = read(pid)
if (first === undefined) throw new Error(`process ${pid} ended during --skip`)
let last = first
const until = seconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + Number(seconds) * 1000
while (existsSync(`/proc/${pid}`) && Date.now() < until) {
  const now = read(pid)
  if (now !== undefined && now.size > 0) last = now
  await sleep(200)
}

const per = messages === undefined ? 1 : Number(messages)
const unit = messages === undefined ? "ms" : "ms/msg"
const fmt = (ticks) => ((ticks * 1000) / hz / per).toFixed(3)
console.log(
  `| thread (pid ${pid}) | name | user ${unit} | system ${unit} | voluntary switches | involuntary switches |`
)
console.log("|---|---|---|---|---|---|")
let user = 0
let system = 0
for (const [tid, t] of [...last].sort((a, b) => Number(a[0]) - Number(b[0]))) {
  const before = first.get(tid) ?? { user: 0, system: 0, voluntary: 0, involuntary: 0 }
  const u = t.user - before.user
  const s = t.system - before.system
  user += u
  system += s
  const sw = (k) => ((t[k] - before[k]) / per).toFixed(per === 1 ? 0 : 2)
  console.log(`| ${tid} | ${t.name} | ${fmt(u)} | ${fmt(s)} | ${sw("voluntary")} | ${sw("involuntary")} |`)
}
console.log(`| all | | ${fmt(user)} | ${fmt(system)} | | |`)
