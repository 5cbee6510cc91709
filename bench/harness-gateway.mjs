// What benches that run a built gateway on the peer harness's workload share, all on 127.0.0.1
// with ephemeral ports (never the harness's fixed ones, which bench/peers.mjs uses under its
// lock): rbldnsd with the harness's zones, smtp-sink downstream, the gateway started with the
// harness's mailmoat.yaml (our ports, resolver and data folder), and every process stopped by PID.
import { spawn, spawnSync } from "node:child_process"
import { createSocket } from "node:dgram"
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { rbldnsdAnswers } from "./harness-corpus.mjs"
import { freePort } from "./smtp-source-load.mjs"

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** A free loopback UDP port (rbldnsd's). */
const freeUdpPort = async () => {
  const s = createSocket("udp4")
  await new Promise((r) => s.bind(0, "127.0.0.1", r))
  const { port } = s.address()
  await new Promise((r) => s.close(r))
  return port
}

const asRoot = process.getuid?.() === 0

/**
 * The processes of one bench: `start` spawns one and collects its output (`out()`), `stop` ends
 * one by PID (SIGTERM, SIGKILL after 10 s), `stopAll` every one started here. With `outFile` the
 * output goes to that file instead of a pipe: V8 prints its traces (`--trace-opt`, ...) with C's
 * stdio, which drops what a full pipe refuses once Node has made the pipe non-blocking (on a
 * busy gateway most of them); a file takes every line.
 */
export const processes = () => {
  const started = []
  const start = (command, args, { outFile, ...options } = {}) => {
    if (outFile !== undefined) {
      const fd = openSync(outFile, "w")
      const child = spawn(command, args, { stdio: ["ignore", fd, fd], ...options })
      closeSync(fd)
      started.push(child)
      return { child, out: () => readFileSync(outFile, "utf8") }
    }
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options })
    let out = ""
    child.stdout.on("data", (d) => (out += d))
    child.stderr.on("data", (d) => (out += d))
    started.push(child)
    return { child, out: () => out }
  }
  const stop = async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((r) => child.once("exit", r))
    child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
    await exited
    clearTimeout(timer)
  }
  const stopAll = async () => {
    for (const child of started) await stop(child)
  }
  return { start, stop, stopAll }
}

/** Resolves once `read()` matches `pattern`; throws with the output after `ms`. */
export const waitFor = async (read, pattern, ms, what) => {
  const deadline = Date.now() + ms
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${read()}`)
    await sleep(50)
  }
}

/** rbldnsd with the zones of the harness copy in `work`, on its own port: the port. */
export const startRbldnsd = async ({ start }, work) => {
  const zones = join(work, "dnsbl/zones")
  chmodSync(zones, 0o755)
  for (const f of readdirSync(zones)) chmodSync(join(zones, f), 0o644)
  const dnsPort = await freeUdpPort()
  start("/usr/sbin/rbldnsd", [
    "-n",
    ...(asRoot ? ["-u", "nobody"] : []),
    "-w",
    zones,
    "-b",
    `127.0.0.1/${dnsPort}`,
    "bl.test:ip4set:bl.test.ip4set",
    "dbl.test:dnset:dbl.test.dnset"
  ])
  await rbldnsdAnswers(dnsPort)
  return dnsPort
}

/**
 * smtp-sink and the gateway of `dir` (a checkout with a built gateway) with the harness's
 * configuration, our ports, resolver and a fresh data folder under `work`; its per-network limit
 * lifted as bench/peers.mjs does. `nodeArgs` go before main.js; `outFile` takes the gateway's
 * output (see `processes`). Resolves once it listens: `{ gw, sink, smtpPort, data }`.
 */
export const startGateway = async (procs, { work, dir, dnsPort, nodeArgs = [], env = process.env, outFile }) => {
  const [sinkPort, smtpPort] = [await freePort(), await freePort()]
  const sink = procs.start("/usr/sbin/smtp-sink", [
    ...(asRoot ? ["-u", "nobody"] : []),
    `127.0.0.1:${sinkPort}`,
    "1024"
  ])
  const data = mkdtempSync(join(work, "data-"))
  const yaml = readFileSync(join(work, "mailmoat.yaml"), "utf8")
    .replace(/^dataDir: .*$/m, `dataDir: ${data}`)
    .replace(/^ {2}port: 2727$/m, `  port: ${smtpPort}`)
    .replace(/^smtp:\n/m, "smtp:\n  limits:\n    maxConnectionsPerNetwork: 200\n")
    .replace(/port: 2527/, `port: ${sinkPort}`)
    .replace(/^admin:\n {2}enabled: true/m, "admin:\n  enabled: false")
    .replace(/127\.0\.0\.1:5353/, `127.0.0.1:${dnsPort}`)
  const config = join(data, "mailmoat.yaml")
  writeFileSync(config, yaml)
  const gw = procs.start("node", [...nodeArgs, join(dir, "apps/gateway/dist/main.js"), "--config", config], {
    env,
    outFile
  })
  await waitFor(gw.out, /Press Ctrl\+C/, 60_000, `the gateway (${dir})`)
  return { gw, sink, smtpPort, data }
}

/** The harness's smtp-source load (its lib/load-smtp-source.sh): `batches` × 100 messages. */
export const smtpSourceRun = (work, port, conc, batches) =>
  spawnSync(join(work, "lib/load-smtp-source.sh"), [`127.0.0.1:${port}`, String(conc), String(batches), "100"], {
    stdio: "ignore",
    timeout: 600_000
  })
