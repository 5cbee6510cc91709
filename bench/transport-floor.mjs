#!/usr/bin/env node
// The floor under bench/transport.mjs: what one side of an SMTP session costs per message when a
// server does nothing but answer. smtp-source loads, one message per session as in
// bench/transport.mjs (same message, same concurrency), each of three servers in turn:
//   node   bench/floor/node-sink.mjs: a Node net server, one reply per line, no parsing;
//   relay  bench/floor/node-relay.mjs: a Node relay to a Postfix smtp-sink, as the gateway
//          relays on bench/transport.mjs (a pooled downstream connection, the envelope
//          pipelined, the client's 250 after the downstream's), with no parsing;
//   sink   Postfix smtp-sink (C).
// It prints each server's CPU ms per message (utime + stime from /proc over the loaded run,
// after a warm-up of 100 messages; for the relay, the relay's process alone, not its
// downstream's). The relay row is what the gateway's figure on bench/transport.mjs compares
// with: both sides of a session and the hand-off, none of the gateway's own layers.
//
//   node bench/transport-floor.mjs [--messages 4000] [--conc 20] [--servers node,relay,sink]
//                                  [--rounds 1] [--batches 1]
//
// `--batches B` sends the messages B times to the same server process, a row per batch, as
// bench/transport.mjs does (the first batch carries the JIT's warm-up).
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
const servers = arg("servers", "node,relay,sink").split(",")
const rounds = Number(arg("rounds", "1"))
const batches = Number(arg("batches", "1"))
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const asRoot = process.getuid?.() === 0
const smtpSink = (port) => ["/usr/sbin/smtp-sink", [...(asRoot ? ["-u", "nobody"] : []), `127.0.0.1:${port}`, "1024"]]
const command = (server, port, downstream) => {
  if (server === "node") return ["node", [join(root, "bench/floor/node-sink.mjs"), String(port)]]
  if (server === "relay") return ["node", [join(root, "bench/floor/node-relay.mjs"), String(port), String(downstream)]]
  return smtpSink(port)
}

const stop = async (child, exited) => {
  child.kill("SIGTERM")
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
  await exited
  clearTimeout(timer)
}

const measure = async (server) => {
  const port = await freePort()
  // The relay's downstream: a Postfix smtp-sink of its own.
  const downstream = server === "relay" ? await freePort() : undefined
  const sink = downstream === undefined ? undefined : spawn(...smtpSink(downstream), { stdio: "ignore" })
  const sinkExited = sink === undefined ? undefined : new Promise((r) => sink.once("exit", r))
  const [cmd, args] = command(server, port, downstream)
  const child = spawn(cmd, args, { stdio: "ignore" })
  const exited = new Promise((r) => child.once("exit", r))
  try {
    await sleep(1000)
    load(port, 100, conc)
    const rows = []
    for (let b = 1; b <= batches; b++) {
      const before = cpuMs(child.pid)
      const t0 = process.hrtime.bigint()
      load(port, messages, conc)
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9
      const name = batches > 1 ? `${server} (batch ${b})` : server
      rows.push({ server: name, msgsPerS: messages / seconds, cpuMsPerMsg: (cpuMs(child.pid) - before) / messages })
    }
    return rows
  } finally {
    await stop(child, exited)
    if (sink !== undefined) await stop(sink, sinkExited)
  }
}

console.log(`| server (${messages} msgs, conc ${conc}) | msgs/s | CPU ms/msg |`)
console.log("|---|---|---|")
for (let round = 0; round < rounds; round++)
  for (const server of servers) {
    for (const r of await measure(server))
      console.log(`| ${r.server} | ${r.msgsPerS.toFixed(0)} | ${r.cpuMsPerMsg.toFixed(3)} |`)
  }
