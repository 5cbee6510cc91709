#!/usr/bin/env node
// The gateway's memory: resident set and live heap of one built gateway process (apps/gateway/
// dist/main.js, its own process, embedded defaults: antispam with SPF/DKIM/DMARC and the
// classifier, Maildir delivery, admin API on) after start-up, its peak under load, and after it.
//
//   node bench/footprint.mjs [--messages 2000] [--concurrency 20] [--checkout DIR] [--json]
//       [--node-flags "--max-semi-space-size=4"]
//
// The load is the labelled corpus (../shared/corpus/eval, ham and spam, or MAILMOAT_CORPUS)
// sent over SMTP, one session per message, `--concurrency` sessions at a time. DNS goes to a
// resolver this script runs on loopback that answers NXDOMAIN to every question (nothing leaves
// the machine; SPF/DMARC then find no records). RSS is read from /proc every 20 ms; the live
// heap, V8's committed new space and the loaded modules come from a preload in the gateway
// (apps/gateway/test/support/process-probe.mjs) after a forced collection. `--checkout DIR` runs
// the gateway built in another checkout (a before/after in one sitting). Linux (reads /proc).
import { spawn } from "node:child_process"
import { createSocket } from "node:dgram"
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const messages = Number(arg("messages", "2000"))
const concurrency = Number(arg("concurrency", "20"))
const checkout = arg("checkout", root)
const nodeFlags = arg("node-flags", "").split(/\s+/).filter(Boolean)
const json = process.argv.includes("--json")
const MB = 1024 * 1024
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const corpusDir = process.env.MAILMOAT_CORPUS ?? join(root, "../shared/corpus")
const corpus = ["ham", "spam"].flatMap((label) => {
  const dir = join(corpusDir, "eval", label)
  return existsSync(dir)
    ? readdirSync(dir)
        .sort()
        .slice(0, 500)
        .map((name) => readFileSync(join(dir, name)))
    : []
})
if (corpus.length === 0) {
  console.error(`no corpus under ${corpusDir}/eval (set MAILMOAT_CORPUS)`)
  process.exit(2)
}
/** A corpus file as DATA: CRLF line ends, dot-stuffed, terminated. */
const asData = (raw) =>
  Buffer.from(
    `${raw
      .toString("latin1")
      .replace(/\r?\n/g, "\r\n")
      .replace(/^\./gm, "..")
      .replace(/(?:\r\n)?$/, "\r\n")}.\r\n`,
    "latin1"
  )
const payloads = corpus.map(asData)

/** A loopback resolver answering NXDOMAIN (the question echoed, no records) to every query. */
const startResolver = () =>
  new Promise((resolve) => {
    const socket = createSocket("udp4")
    socket.on("message", (query, peer) => {
      if (query.length < 12) return
      const answer = Buffer.from(query)
      answer[2] = 0x80 | (query[2] & 0x01) // QR, RD copied
      answer[3] = 0x80 | 3 // RA, NXDOMAIN
      answer.writeUInt16BE(0, 6) // no answers,
      answer.writeUInt16BE(0, 8) // no authority,
      answer.writeUInt16BE(0, 10) // no additional (EDNS dropped)
      // Keep the header and the question only.
      let end = 12
      while (end < query.length && query[end] !== 0) end += query[end] + 1
      socket.send(answer.subarray(0, Math.min(query.length, end + 5)), peer.port, peer.address)
    })
    socket.bind(0, "127.0.0.1", () => resolve({ port: socket.address().port, stop: () => socket.close() }))
  })

const rssOf = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0) * 1024
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") }
}

/** CPU time (user + system) the process used so far, in ms. */
const cpuMsOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime, stime in clock ticks (USER_HZ 100)
}

/** One SMTP session delivering `data` to one recipient; resolves with the final reply's code. */
const sendOne = (port, data) =>
  new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1")
    const steps = ["EHLO bench.client.test", "MAIL FROM:<sender@client.test>", "RCPT TO:<user@example.test>", "DATA"]
    let buffer = ""
    let step = -1
    let last = "no reply"
    let ended = false
    const quit = () => {
      ended = true
      s.end("QUIT\r\n")
    }
    s.on("error", (e) => resolve(`error ${e.code}`))
    s.on("close", () => resolve(last))
    s.on("data", (d) => {
      buffer += d.toString("latin1")
      for (;;) {
        const m = /^(\d{3}) .*\r\n/m.exec(buffer)
        if (m === null || ended) return
        buffer = buffer.slice(m.index + m[0].length)
        last = m[1]
        step++
        if (step < steps.length) {
          if (step > 0 && !/^[23]/.test(m[1])) return quit()
          s.write(`${steps[step]}\r\n`)
        } else if (step === steps.length) {
          if (!m[1].startsWith("3")) return quit()
          s.write(data)
        } else return quit()
      }
    })
  })

const resolver = await startResolver()
const work = benchTempDir("mailmoat-footprint-")
writeFileSync(
  join(work, "mailmoat.yaml"),
  [
    `dataDir: ${join(work, "data")}`,
    "smtp: { port: 0, hostname: gw.bench.test, maxConnectionsPerIp: 200, maxConnections: 200 }",
    "admin: { port: 0 }",
    `antispam: { dns: { servers: ["127.0.0.1:${resolver.port}"] } }`
  ].join("\n")
)
const probeOut = join(work, "probe.json")
const main = join(checkout, "apps/gateway/dist/main.js")
const probe = join(root, "apps/gateway/test/support/process-probe.mjs")
const gw = spawn(
  process.execPath,
  ["--expose-gc", ...nodeFlags, "--import", probe, main, "--config", join(work, "mailmoat.yaml")],
  { cwd: work, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, MM_PROBE_OUT: probeOut } }
)
let banner = ""
gw.stdout.on("data", (d) => {
  banner += d
})
const reading = async () => {
  const rss = rssOf(gw.pid).rss
  rmSync(probeOut, { force: true })
  gw.kill("SIGUSR2")
  for (let i = 0; i < 200 && !existsSync(probeOut); i++) await sleep(10)
  const r = JSON.parse(readFileSync(probeOut, "utf8"))
  return {
    rssMb: +(rss / MB).toFixed(1),
    liveHeapMb: +(r.memory.heapUsed / MB).toFixed(1),
    heapCommittedMb: +(r.memory.heapTotal / MB).toFixed(1),
    newSpaceCommittedMb: +(r.spacesCommitted.new_space / MB).toFixed(1),
    packages: [
      ...new Set(
        r.commonjs.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(f)?.[1]).filter(Boolean)
      )
    ].sort()
  }
}

try {
  let port
  for (let i = 0; i < 600 && port === undefined; i++) {
    port = /SMTP\s+127\.0\.0\.1:(\d+)/.exec(banner)?.[1]
    if (port === undefined) await sleep(50)
  }
  if (port === undefined) throw new Error(`the gateway did not start:\n${banner}`)
  await sleep(1000)
  const idle = await reading()
  let peak = 0
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(gw.pid).rss)
  }, 20)
  const started = performance.now()
  const cpuBefore = cpuMsOf(gw.pid)
  const codes = new Map()
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        const code = await sendOne(Number(port), payloads[next++ % payloads.length])
        codes.set(code, (codes.get(code) ?? 0) + 1)
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  const cpuMsPerMessage = +((cpuMsOf(gw.pid) - cpuBefore) / messages).toFixed(2)
  clearInterval(sampler)
  peak = Math.max(peak, rssOf(gw.pid).rss)
  const after = await reading()
  const out = {
    checkout,
    nodeFlags: nodeFlags.join(" "),
    messages,
    concurrency,
    replies: Object.fromEntries(codes),
    msgsPerSecond: Math.round(messages / seconds),
    cpuMsPerMessage,
    idle,
    peakRssMb: +(peak / MB).toFixed(1),
    after
  }
  if (json) console.log(JSON.stringify(out))
  else {
    const row = (label, r) =>
      `${label.padEnd(16)} RSS ${String(r.rssMb).padStart(6)} MB  live heap ${String(r.liveHeapMb).padStart(5)} MB  heap committed ${String(r.heapCommittedMb).padStart(5)} MB  new space ${r.newSpaceCommittedMb} MB`
    console.log(`gateway ${main}${out.nodeFlags ? ` (${out.nodeFlags})` : ""}`)
    console.log(row("after start-up", idle))
    console.log(
      `${"under load".padEnd(16)} peak RSS ${out.peakRssMb} MB (${messages} messages, concurrency ${concurrency}, ${out.msgsPerSecond} msgs/s, ${cpuMsPerMessage} CPU ms/msg, replies ${JSON.stringify(out.replies)})`
    )
    console.log(row("after the load", after))
    console.log(`packages loaded at start (CommonJS): ${idle.packages.join(" ") || "none"}`)
  }
} finally {
  gw.kill("SIGTERM")
  await new Promise((r) => gw.once("exit", r))
  resolver.stop()
  rmSync(work, { recursive: true, force: true })
}
