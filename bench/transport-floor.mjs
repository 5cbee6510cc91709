#!/usr/bin/env node
// The floor under bench/transport.mjs: what one side of an SMTP session costs per message when a
// server does nothing but answer. smtp-source loads, one message per session as in
// bench/transport.mjs (same message, same concurrency), each of two servers in turn:
//   node  bench/floor/node-sink.mjs: a Node net server, one reply per line, no parsing;
//   sink  Postfix smtp-sink (C).
// It prints each server's CPU ms per message (utime + stime from /proc over the loaded run,
// after a warm-up of 100 messages). The gateway does both sides of a session (the client's and
// the downstream's) plus the parsing, so its figure compares with about twice the node row.
//
//   node bench/transport-floor.mjs [--messages 4000] [--conc 20] [--servers node,sink]
//
// Everything runs on 127.0.0.1 with ephemeral ports; every process is stopped by PID.
import { spawn } from "node:child_process"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { cpuMs, freePort, load } from "./smtp-source-load.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const messages = Number(arg("messages", "4000"))
const conc = Number(arg("conc", "20"))
const servers = arg("servers", "node,sink").split(",")
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const command = (server, port) => {
  if (server === "node") return ["node", [join(root, "bench/floor/node-sink.mjs"), String(port)]]
  const asRoot = process.getuid?.() === 0
  return ["/usr/sbin/smtp-sink", [...(asRoot ? ["-u", "nobody"] : []), `127.0.0.1:${port}`, "1024"]]
}

const measure = async (server) => {
  const port = await freePort()
  const [cmd, args] = command(server, port)
  const child = spawn(cmd, args, { stdio: "ignore" })
  const exited = new Promise((r) => child.once("exit", r))
  try {
    await sleep(1000)
    load(port, 100, conc)
    const before = cpuMs(child.pid)
    const t0 = process.hrtime.bigint()
    load(port, messages, conc)
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    return { server, msgsPerS: messages / seconds, cpuMsPerMsg: (cpuMs(child.pid) - before) / messages }
  } finally {
    child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
    await exited
    clearTimeout(timer)
  }
}

console.log(`| server (${messages} msgs, conc ${conc}) | msgs/s | CPU ms/msg |`)
console.log("|---|---|---|")
for (const server of servers) {
  const r = await measure(server)
  console.log(`| ${r.server} | ${r.msgsPerS.toFixed(0)} | ${r.cpuMsPerMsg.toFixed(3)} |`)
}
