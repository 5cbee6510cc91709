#!/usr/bin/env node
// The SMTP transport alone: the built gateway with antispam off, relaying to Postfix smtp-sink,
// loaded by smtp-source (one message per session, as in bench/peers.mjs). It reports the
// gateway's CPU ms per message and, with --strace, the system calls it made per message (strace
// -c attached during the run; CPU figures are then inflated by the tracing): unlike CPU time on a
// shared machine, the call counts do not move with other load, so they show what a transport
// change saves.
//
//   node bench/transport.mjs [--messages 1000] [--conc 10] [--strace] [--alloc PREFIX]
//                            [--systems here,/tmp/mm-main] [--batches 1] [--downstream sink]
//
// `--downstream postfix` relays to a private Postfix smtpd instead of smtp-sink
// (bench/floor/postfix-downstream.mjs; root only): it offers CHUNKING, which smtp-sink does not,
// so a gateway that uses BDAT does so there. It queues each message and discards it, which costs
// the machine more than smtp-sink; the figures are the gateway process's alone, as always.
//
// `--batches B` sends the measured messages B times to the same gateway process and prints a row
// per batch (CPU only): the first batch carries most of the JIT's warm-up on Node 20 (TurboFan
// compiling on V8's threads, bytecode on the main thread until then), the later ones show the
// steady state.
//
// `--alloc PREFIX` samples what the gateway allocates during the measured messages (collected
// objects included; bench/alloc-probe.mjs) into PREFIX-N.heapprofile (N: the system's position)
// and prints the bytes allocated per message; `node bench/alloc-summary.mjs FILE MESSAGES` says by whom.
//
// A system is a checkout with a built gateway (DIR/apps/gateway/dist/main.js); `here` is this
// one. GW_NODE_FLAGS (environment) is passed to node, e.g. `--cpu-prof --cpu-prof-dir=DIR`.
// Everything runs on 127.0.0.1 with ephemeral ports; every process is stopped by PID.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { startPostfix } from "./floor/postfix-downstream.mjs"
import { processes } from "./harness-gateway.mjs"
import { cpuMs, freePort, load } from "./smtp-source-load.mjs"
import { benchTempDir } from "./temp-dir.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const messages = Number(arg("messages", "1000"))
const conc = Number(arg("conc", "10"))
const withStrace = process.argv.includes("--strace")
const allocPrefix = arg("alloc", undefined)
const systems = arg("systems", "here").split(",")
const batches = Number(arg("batches", "1"))
const downstream = arg("downstream", "sink")
if (downstream !== "sink" && downstream !== "postfix") throw new Error("--downstream is sink or postfix")
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const waitFor = async (read, pattern, ms, what) => {
  const deadline = Date.now() + ms
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${read()}`)
    await sleep(50)
  }
}

const { start, stop } = processes()

/** Resolves once something on `port` sends an SMTP greeting. */
const waitForGreeting = async (port) => {
  const deadline = Date.now() + 20_000
  for (;;) {
    const greeted = await new Promise((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port })
      const done = (v) => {
        s.destroy()
        resolve(v)
      }
      s.once("data", (d) => done(d.toString("latin1").startsWith("220")))
      s.once("error", () => done(false))
    })
    if (greeted) return
    if (Date.now() > deadline) throw new Error(`the downstream on port ${port} did not greet`)
    await sleep(100)
  }
}

/** Bytes in an allocation profile (every sample's size, collected objects included). */
const profileBytes = (file) => {
  const bytes = (node) => node.selfSize + node.children.reduce((sum, c) => sum + bytes(c), 0)
  return bytes(JSON.parse(readFileSync(file, "utf8")).head)
}

const measure = async (system, index) => {
  const dir = system === "here" ? root : resolve(system)
  const main = join(dir, "apps/gateway/dist/main.js")
  const work = benchTempDir("mailmoat-transport-")
  const [sinkPort, smtpPort] = [await freePort(), await freePort()]
  const asRoot = process.getuid?.() === 0
  const sink =
    downstream === "postfix"
      ? await startPostfix(sinkPort)
      : start("/usr/sbin/smtp-sink", [...(asRoot ? ["-u", "nobody"] : []), `127.0.0.1:${sinkPort}`, "1024"])
  await waitForGreeting(sinkPort)
  const config = join(work, "mailmoat.yaml")
  writeFileSync(
    config,
    [
      `dataDir: ${join(work, "data")}`,
      "smtp: { host: 127.0.0.1, port: " +
        smtpPort +
        ", hostname: gw.bench.example, maxConnections: 200, maxConnectionsPerIp: 200 }",
      `delivery: { downstream: { host: 127.0.0.1, port: ${sinkPort}, protocol: smtp } }`,
      "admin: { enabled: false }",
      "antispam: { enabled: false }",
      ""
    ].join("\n")
  )
  const flags = (process.env.GW_NODE_FLAGS ?? "").split(" ").filter((f) => f !== "")
  const allocFile = allocPrefix === undefined ? undefined : `${allocPrefix}-${index}.heapprofile`
  if (allocFile !== undefined) {
    rmSync(allocFile, { force: true })
    flags.push("--import", join(root, "bench/alloc-probe.mjs"))
    process.env.MM_ALLOC_OUT = allocFile
  }
  const gw = start("node", [...flags, main, "--config", config])
  const tracer = { child: undefined, out: () => "" }
  try {
    await waitFor(gw.out, /Press Ctrl\+C/, 60_000, `the gateway (${system})`)
    load(smtpPort, 100, conc)
    if (withStrace) {
      Object.assign(tracer, start("strace", ["-f", "-c", "-p", String(gw.child.pid)]))
      await sleep(1000)
    }
    // The first SIGUSR2 to the probe starts the count afresh (start-up and warm-up left out).
    if (allocFile !== undefined) gw.child.kill("SIGUSR2")
    const timed = () => {
      const before = cpuMs(gw.child.pid)
      const t0 = process.hrtime.bigint()
      load(smtpPort, messages, conc)
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9
      return { msgsPerS: messages / seconds, cpuMsPerMsg: (cpuMs(gw.child.pid) - before) / messages }
    }
    const row = { system, ...timed(), calls: {}, later: [] }
    // Later batches: CPU only (the call counts and the allocations cover the first).
    for (let b = 1; b < batches && !withStrace && allocFile === undefined; b++) row.later.push(timed())
    if (allocFile !== undefined) {
      // The second writes the profile; it is read once the file is there.
      gw.child.kill("SIGUSR2")
      await waitFor(() => (existsSync(allocFile) ? "written" : ""), /written/, 30_000, "the allocation profile")
      await sleep(500)
      row.allocKbPerMsg = profileBytes(allocFile) / messages / 1024
    }
    if (tracer.child !== undefined) {
      tracer.child.kill("SIGINT")
      await new Promise((r) => tracer.child.once("exit", r))
      for (const line of tracer.out().split("\n")) {
        const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/.exec(line)
        if (m) row.calls[m[2]] = Number(m[1]) / messages
      }
    }
    return row
  } finally {
    if (tracer.child !== undefined) await stop(tracer.child)
    await stop(gw.child)
    await stop(sink.child)
    sink.cleanup?.()
  }
}

const rows = []
for (const [index, system] of systems.entries()) rows.push(await measure(system, index))
// The calls shown (CALLS=write,read,... to choose others); "total" is strace's sum over all calls.
const callNames = (process.env.CALLS ?? "write,writev,read,epoll_ctl,epoll_pwait,futex,total").split(",")
console.log(
  `| system (${messages} msgs, conc ${conc}) | msgs/s | CPU ms/msg |${allocPrefix ? " KB allocated/msg |" : ""}${withStrace ? callNames.map((c) => ` ${c}/msg |`).join("") : ""}`
)
console.log(`|---|---|---|${allocPrefix ? "---|" : ""}${withStrace ? "---|".repeat(callNames.length) : ""}`)
for (const r of rows) {
  const calls = withStrace ? callNames.map((c) => ` ${(r.calls[c] ?? 0).toFixed(2)} |`).join("") : ""
  const alloc = allocPrefix ? ` ${r.allocKbPerMsg.toFixed(1)} |` : ""
  const batch = batches > 1 ? " (batch 1)" : ""
  console.log(`| ${r.system}${batch} | ${r.msgsPerS.toFixed(0)} | ${r.cpuMsPerMsg.toFixed(3)} |${alloc}${calls}`)
  for (const [i, l] of r.later.entries())
    console.log(`| ${r.system} (batch ${i + 2}) | ${l.msgsPerS.toFixed(0)} | ${l.cpuMsPerMsg.toFixed(3)} |`)
}
