// Soak under attack: starts the built gateway (apps/gateway/dist/main.js) in its own process,
// measures a normal client's latency alone (baseline), then for --duration seconds runs a NOOP
// flood that never reads its replies, slowloris sockets from three /24 networks and an AUTH brute
// force across connections, while the normal client keeps sending one message per transaction.
// Reports the normal client's p50/p99 latency in both phases, its failures, the attackers'
// outcomes and the gateway's RSS (from /proc).
//
// Run: pnpm exec turbo run build && node bench/soak.mjs [--duration=180]
// Loopback only (127.0.0.0/8 source addresses); bounded by --duration; stops the gateway by PID.
import { execFileSync, spawn } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { dirname, join } from "node:path"
import * as tls from "node:tls"
import { fileURLToPath } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit === undefined ? fallback : Number(hit.slice(name.length + 3))
}
const durationS = arg("duration", 180)
const baselineS = Math.min(20, Math.max(5, Math.round(durationS / 6)))
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dir = benchTempDir("mailmoat-soak-")
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

execFileSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
    "-days",
    "1",
    "-subj",
    "/CN=localhost"
  ],
  { stdio: "pipe" }
)
const config = {
  dataDir: join(dir, "data"),
  smtp: {
    host: "127.0.0.1",
    port: 0,
    hostname: "soak.test",
    tls: { certFile: join(dir, "cert.pem"), keyFile: join(dir, "key.pem") },
    auth: { users: [{ username: "soak", password: "right-password" }] }
  },
  admin: { enabled: false },
  antispam: { enabled: false },
  classifier: { enabled: false }
}
writeFileSync(join(dir, "gateway.yaml"), JSON.stringify(config))

const gateway = spawn(
  process.execPath,
  [join(root, "apps/gateway/dist/main.js"), "--config", join(dir, "gateway.yaml")],
  { stdio: ["ignore", "pipe", "inherit"] }
)
const port = await new Promise((resolve, reject) => {
  let out = ""
  gateway.stdout.on("data", (d) => {
    out += d
    const m = /SMTP\s+127\.0\.0\.1:(\d+)/.exec(out)
    if (m) resolve(Number(m[1]))
  })
  gateway.once("exit", (code) => reject(new Error(`gateway exited with ${code}:\n${out}`)))
})
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gateway.pid}/status`, "utf8"))?.[1] ?? 0) / 1024
const rssSamples = [rss()]
const rssTimer = setInterval(() => rssSamples.push(rss()), 1000)

let stopping = false
const phaseEnd = { at: 0 }

/** A line-oriented client: `reply()` resolves with the next complete reply (last line `NNN `). */
const open = (localAddress) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress })
    socket.setNoDelay(true)
    let buf = ""
    let waiter
    let closed = false
    const c = {
      socket,
      get closed() {
        return closed
      },
      write: (s) => c.socket.write(s),
      reply: (timeoutMs = 30_000) =>
        new Promise((res, rej) => {
          const t = setTimeout(() => rej(new Error("reply timeout")), timeoutMs)
          waiter = (r) => {
            clearTimeout(t)
            r instanceof Error ? rej(r) : res(r)
          }
          check()
        }),
      async tls() {
        c.socket.removeAllListeners("data")
        c.socket = tls.connect({ socket: c.socket, rejectUnauthorized: false })
        await new Promise((r, j) => c.socket.once("secureConnect", r).once("error", j))
        c.socket.on("data", onData)
        c.socket.on("error", () => undefined)
      },
      close: () => c.socket.destroy()
    }
    const check = () => {
      if (!waiter) return
      const m = /^(?:\d{3}-[^\n]*\n)*(\d{3}) [^\n]*\n/.exec(buf)
      if (m) {
        buf = buf.slice(m[0].length)
        const w = waiter
        waiter = undefined
        w(m[0])
      } else if (closed) {
        const w = waiter
        waiter = undefined
        w(new Error("closed"))
      }
    }
    const onData = (d) => {
      buf += d.toString("latin1")
      check()
    }
    socket.on("data", onData)
    socket.on("error", () => undefined)
    socket.on("close", () => {
      closed = true
      check()
    })
    socket.once("connect", () => resolve(c))
    socket.once("error", reject)
  })

const percentile = (xs, p) => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

// --- the normal client: one message per connection, latency from connect to the 250 after DATA.
const normal = { baseline: [], attack: [], failures: {}, sent: 0 }
const normalClient = async () => {
  while (!stopping) {
    const phase = Date.now() < phaseEnd.at ? "baseline" : "attack"
    const t = performance.now()
    try {
      const c = await open("127.9.9.9")
      const greet = await c.reply()
      if (!greet.startsWith("220")) throw new Error(greet.slice(0, 3))
      for (const line of ["EHLO normal.test", "MAIL FROM:<n@normal.test>", "RCPT TO:<u@example.test>", "DATA"]) {
        c.write(`${line}\r\n`)
        const r = await c.reply()
        if (!/^[23]/.test(r)) throw new Error(r.slice(0, 3))
      }
      c.write(`Subject: soak ${normal.sent}\r\n\r\nhello\r\n.\r\n`)
      const r = await c.reply()
      if (!r.startsWith("250")) throw new Error(r.slice(0, 3))
      normal[phase].push(performance.now() - t)
      c.write("QUIT\r\n")
      c.close()
    } catch (error) {
      const key = `${phase}: ${error.message}`
      normal.failures[key] = (normal.failures[key] ?? 0) + 1
    }
    normal.sent++
    await sleep(100)
  }
}

const drainOrClose = (socket, ms) =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      socket.off("drain", done)
      socket.off("close", done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    socket.on("drain", done)
    socket.on("close", done)
  })

// --- attack 1: NOOP flood that never reads.
const flood = { connections: 0, bytes: 0 }
const flooder = async (localAddress) => {
  const chunk = Buffer.from("NOOP\r\n".repeat(8192))
  while (!stopping) {
    try {
      const c = await open(localAddress)
      flood.connections++
      await c.reply()
      c.write("EHLO flood.test\r\n")
      await c.reply()
      c.socket.pause()
      c.socket.removeAllListeners("data")
      while (!stopping && !c.closed && !c.socket.destroyed) {
        flood.bytes += chunk.length
        if (!c.socket.write(chunk)) await drainOrClose(c.socket, 2000)
      }
      c.close()
    } catch {
      await sleep(200)
    }
  }
}

// --- attack 2: slowloris, one byte every 2 s into a command that never ends.
const slow = { admitted: 0, refused: 0 }
const slowloris = async (localAddress) => {
  while (!stopping) {
    try {
      const c = await open(localAddress)
      const greet = await c.reply()
      if (!greet.startsWith("220")) {
        slow.refused++
        c.close()
        await sleep(1000)
        continue
      }
      slow.admitted++
      while (!stopping && !c.closed) {
        c.write("X")
        await sleep(2000)
      }
      c.close()
    } catch {
      await sleep(500)
    }
  }
}

// --- attack 3: AUTH brute force over TLS, one wrong password per connection.
const auth = { attempts: 0, replies: {} }
const bruteForce = async (localAddress) => {
  while (!stopping) {
    try {
      const c = await open(localAddress)
      await c.reply()
      c.write("EHLO brute.test\r\n")
      await c.reply()
      c.write("STARTTLS\r\n")
      await c.reply()
      await c.tls()
      c.write("EHLO brute.test\r\n")
      await c.reply()
      c.write(`AUTH PLAIN ${Buffer.from(`\0soak\0guess${auth.attempts}`).toString("base64")}\r\n`)
      auth.attempts++
      const r = (await c.reply(60_000)).slice(0, 3)
      auth.replies[r] = (auth.replies[r] ?? 0) + 1
      c.close()
    } catch {
      await sleep(200)
    }
  }
}

const started = Date.now()
phaseEnd.at = started + baselineS * 1000
const workers = [normalClient()]
await sleep(baselineS * 1000)
const rssBefore = rss()
workers.push(flooder("127.0.0.2"), flooder("127.0.0.3"))
for (let net24 = 1; net24 <= 3; net24++)
  for (let i = 1; i <= 40; i++) workers.push(slowloris(`127.0.${10 + net24}.${i}`))
workers.push(bruteForce("127.0.20.1"), bruteForce("127.0.20.2"))
await sleep(durationS * 1000)
stopping = true
const rssEnd = rss()
clearInterval(rssTimer)
gateway.kill("SIGTERM")
const exited = await Promise.race([
  new Promise((r) => gateway.once("exit", () => r(true))),
  sleep(10_000).then(() => false)
])
if (!exited) gateway.kill("SIGKILL")
await Promise.race([Promise.allSettled(workers), sleep(5000)])
rmSync(dir, { recursive: true, force: true })

const fmt = (xs) => `n=${xs.length} p50=${percentile(xs, 50)?.toFixed(1)} ms p99=${percentile(xs, 99)?.toFixed(1)} ms`
console.log(`soak: baseline ${baselineS} s, under attack ${durationS} s (node ${process.version})`)
console.log(`  normal client, alone:        ${fmt(normal.baseline)}`)
console.log(`  normal client, under attack: ${fmt(normal.attack)}`)
console.log(`  normal client failures:      ${JSON.stringify(normal.failures)}`)
console.log(
  `  flood: ${flood.connections} connections, ${(flood.bytes / 1e6).toFixed(1)} MB of NOOPs handed to the client sockets (replies never read)`
)
console.log(`  slowloris: ${slow.admitted} sessions admitted, ${slow.refused} refused (421)`)
console.log(`  auth brute force: ${auth.attempts} attempts, replies ${JSON.stringify(auth.replies)}`)
console.log(
  `  gateway RSS: start ${rssSamples[0].toFixed(0)} MB, before attack ${rssBefore.toFixed(0)} MB, max ${Math.max(...rssSamples).toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB`
)
process.exit(0)
