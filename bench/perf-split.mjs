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
//   node bench/perf-split.mjs FILE
//
// JIT code addresses are reused as code is collected, so a frame can be misnamed now and then;
// the shares by owner are what this is for, not single functions.
import { execFileSync } from "node:child_process"

const file = process.argv[2]
if (file === undefined) throw new Error("usage: node bench/perf-split.mjs PERF_DATA")
const out = execFileSync("perf", ["script", "-i", file, "-F", "tid,ip,sym"], { maxBuffer: 1 << 30 }).toString()
const samples = out
  .split("\n\n")
  .map((s) => s.trim().split("\n"))
  .filter((l) => l[0])
const tidOf = (lines) => lines[0].trim().split(/\s+/)[0]
const perThread = new Map()
for (const l of samples) perThread.set(tidOf(l), (perThread.get(tidOf(l)) ?? 0) + 1)
const main = [...perThread].sort((a, b) => b[1] - a[1])[0][0]

const KERNEL =
  /\[kernel|^(entry_|do_syscall|tcp_|__tcp|ip_|__ip|_raw|sock_|__sys|ksys|vfs_|__x64|syscall_|finish_task|__schedule|schedule|__netif|net_rx|__dev|process_backlog|skb|kfree|kmem|__alloc|napi|ep_|do_epoll|__fget|fput|inet_|__inet|security_|apparmor|__check|copy_|_copy)/
const SYSCALL =
  /__GI___libc_(write|read|writev|close|shutdown)|epoll_wait|__GI___(close|writev|read|write)|accept4|epoll_ctl|getpeername|setsockopt/
const shares = new Map()
const add = (k) => shares.set(k, (shares.get(k) ?? 0) + 1)
for (const l of samples) {
  const frames = l.slice(1).map((x) => x.trim().replace(/^[0-9a-f]+\s+/, ""))
  if (tidOf(l) !== main) {
    add(
      frames.some((f) => /compiler|Compile|Turbofan|Maglev/i.test(f))
        ? "V8 workers: compiling"
        : "V8 workers: GC and other"
    )
    continue
  }
  const leaf = frames[0] ?? ""
  if (KERNEL.test(leaf) || /__GI___libc|epoll_wait|accept4/.test(leaf)) {
    const call = frames.find((f) => SYSCALL.test(f))
    const name = call?.match(
      /(writev|write|read|close|shutdown|accept4|epoll_wait|epoll_ctl|getpeername|setsockopt)/
    )?.[1]
    add(`main: kernel (${name ?? "other"})`)
  } else if (/Scavenge|MarkCompact|Heap::|Sweeper|Marking/.test(leaf)) add("main: garbage collection")
  else {
    const js = frames.find((f) => f.startsWith("JS:"))
    if (js === undefined) add("main: libuv and Node's C++, no JavaScript")
    else if (/packages\/protocols/.test(js)) add("main: packages/protocols")
    else if (/apps\/gateway/.test(js)) add("main: apps/gateway")
    else if (/packages\/core|node_modules/.test(js)) add("main: core, effect, dependencies")
    else if (/node:/.test(js)) add("main: Node's JavaScript (net, streams, timers, ticks)")
    else add("main: other JavaScript")
  }
}
console.log(`| where (${samples.length} samples) | share |`)
console.log("|---|---|")
for (const [k, c] of [...shares].sort((a, b) => b[1] - a[1]))
  console.log(`| ${k} | ${((100 * c) / samples.length).toFixed(1)} % |`)
