#!/usr/bin/env node
// One large message through the gateway (built dist, default configuration: antispam and the
// classifier on) relaying to Postfix smtp-sink, with the live heap measured while it passes.
//
//   node --expose-gc bench/large-message.mjs [--size-mb 50] [--json] [--clamd SOCKET|HOST:PORT] [--clamd-timeout 60] [--checkout DIR]
//
// `--clamd` turns on the SMTP path's virus scan (`antispam.virus`) with that clamd: the whole
// message then also streams from the spool to clamd (its StreamMaxLength must exceed the size,
// or the scan ends early as oversize). `--checkout` runs another checkout's build.
//
// The message streams to the spool and then to the relay; only the scan view (bounded by
// antispam.maxScanSizeKB) is in memory, so the live heap must stay flat in message size. The
// client pauses after every 4 MB it sends; at each pause, and every 100 ms until the gateway's
// 250, the script collects garbage and reads the heap: "growth" is the highest of those readings
// minus the reading after start-up. Loopback only; smtp-sink and the gateway stopped at the end.
import { spawn } from "node:child_process"
import { rmSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const sizeMb = Number(arg("size-mb", "50"))
const clamd = arg("clamd", undefined)
const clamdTimeout = Number(arg("clamd-timeout", "60"))
const build = arg("checkout", root)
const json = process.argv.includes("--json")
if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc")
  process.exit(2)
}
const liveHeap = () => {
  globalThis.gc()
  return process.memoryUsage().heapUsed
}
const MB = 1024 * 1024

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

const startSink = async () => {
  const port = await freePort()
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0
  const child = spawn("/usr/sbin/smtp-sink", [...(asRoot ? ["-u", "nobody"] : []), "-c", `127.0.0.1:${port}`, "10"], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy()
        resolve(true)
      })
      s.on("error", () => resolve(false))
    })
    if (up) return { port, stop: () => child.kill("SIGTERM") }
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill("SIGKILL")
  throw new Error("smtp-sink did not start")
}

/** Sends one message of `bytes` body bytes; `pause` runs after every 4 MB written. */
const sendLarge = (port, bytes, pause) =>
  new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1")
    s.on("error", reject)
    let buffer = ""
    const waiters = []
    s.on("data", (d) => {
      buffer += d.toString("latin1")
      for (;;) {
        const m = /^(\d{3}) .*\r\n/m.exec(buffer)
        if (m === null) return
        buffer = buffer.slice(m.index + m[0].length)
        waiters.shift()?.(m[0].trim())
      }
    })
    const reply = () => new Promise((r) => waiters.push(r))
    const command = async (line) => {
      s.write(`${line}\r\n`)
      return reply()
    }
    const write = (chunk) => new Promise((r) => (s.write(chunk) ? r() : s.once("drain", r)))
    ;(async () => {
      await reply()
      await command("EHLO bench.client")
      await command(`MAIL FROM:<big@client.test> SIZE=${bytes + 1024}`)
      const rcpt = await command("RCPT TO:<rcpt@example.test>")
      if (!rcpt.startsWith("250")) throw new Error(`RCPT: ${rcpt}`)
      const data = await command("DATA")
      if (!data.startsWith("354")) throw new Error(`DATA: ${data}`)
      const line = Buffer.from(`${"0123456789abcdef".repeat(4)} 0123456789abcdef0123456789\r\n`)
      const block = Buffer.concat(Array.from({ length: Math.ceil(MB / line.length) }, () => line))
      await write("From: big@client.test\r\nTo: rcpt@example.test\r\nSubject: a large message\r\n\r\n")
      let sent = 0
      while (sent < bytes) {
        await write(block)
        sent += block.length
        if (sent % (4 * MB) < block.length) pause()
      }
      const final = reply()
      s.write(".\r\n")
      const polling = setInterval(pause, 100)
      const answer = await final
      clearInterval(polling)
      await command("QUIT")
      s.end()
      return { answer, sent }
    })().then(resolve, reject)
  })

const sink = await startSink()
const dataDir = benchTempDir("mailmoat-large-")
const { startGateway } = await import(join(build, "apps/gateway/dist/index.js"))
const virusScan =
  clamd === undefined
    ? {}
    : {
        antispam: {
          virus: {
            clamd: {
              timeoutSeconds: clamdTimeout,
              ...(clamd.startsWith("/")
                ? { socket: clamd }
                : {
                    host: clamd.slice(0, clamd.lastIndexOf(":")),
                    port: Number(clamd.slice(clamd.lastIndexOf(":") + 1))
                  })
            }
          }
        }
      }
const gw = await startGateway(
  {
    dataDir,
    smtp: { port: 0, hostname: "gw.bench", maxMessageSizeKB: 128 * 1024 },
    admin: { enabled: false },
    delivery: { downstream: { host: "127.0.0.1", port: sink.port } },
    ...virusScan
  },
  { base: dataDir }
)
try {
  const baseline = liveHeap()
  const baseRss = process.memoryUsage().rss
  let peak = baseline
  let peakRss = baseRss
  const started = performance.now()
  const result = await sendLarge(gw.smtp.port, sizeMb * MB, () => {
    peak = Math.max(peak, liveHeap())
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  })
  const out = {
    sizeMb,
    virusScan: clamd ?? "off",
    reply: result.answer,
    bodyBytes: result.sent,
    seconds: +((performance.now() - started) / 1000).toFixed(2),
    heapBaselineMb: +(baseline / MB).toFixed(1),
    heapGrowthMb: +((peak - baseline) / MB).toFixed(1),
    rssGrowthMb: +((peakRss - baseRss) / MB).toFixed(1)
  }
  if (json) console.log(JSON.stringify(out))
  else
    console.log(
      `${sizeMb} MB message through the gateway to smtp-sink (virus scan ${out.virusScan}): ${out.reply} in ${out.seconds} s; live heap ${out.heapBaselineMb} MB at start, growth ${out.heapGrowthMb} MB (goal <= 16); RSS growth ${out.rssGrowthMb} MB`
    )
} finally {
  await gw.close()
  sink.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
