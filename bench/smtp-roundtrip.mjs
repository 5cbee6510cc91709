// SMTP round-trip benchmark through the built gateway (apps/gateway/dist): the gateway runs in its
// embedded default mode (local Maildir with fsync, antispam per the defaults) on 127.0.0.1:0, and
// a minimal raw SMTP client sends MESSAGES messages over CONNECTIONS parallel connections (one
// transaction after the other on each; MAIL+RCPT pipelined, as PIPELINING allows). Every message
// must get 250 and be in a Maildir; prints messages/s.
// Run: npm run build && node bench/smtp-roundtrip.mjs [messages=2000] [connections=8]
// Loopback only; bounded in count and time.
import { readdirSync, rmSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { startGateway } from "../apps/gateway/dist/index.js"
import { benchTempDir } from "./temp-dir.mjs"

const MESSAGES = Number(process.argv[2] ?? 2000)
const CONNECTIONS = Number(process.argv[3] ?? 8)
const DEADLINE_MS = 300_000
const body = `From: bench@example.test\r\nTo: rcpt@example.test\r\nSubject: bench\r\n\r\n${"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n".repeat(40)}`

const dataDir = benchTempDir("mailmoat-bench-")
const gateway = await startGateway({
  dataDir,
  smtp: { host: "127.0.0.1", port: 0, hostname: "bench.test", maxConnectionsPerIp: CONNECTIONS + 1 },
  admin: { enabled: false }
})

/** One connection sending `count` messages; resolves with the number of 250s after DATA. */
const connection = (id, count) =>
  new Promise((resolve, reject) => {
    const s = net.connect(gateway.smtp.port, "127.0.0.1")
    s.setNoDelay(true)
    s.on("error", reject)
    let buf = ""
    let state = "greeting"
    let sent = 0
    let ok = 0
    let pendingEnvelope = 0
    const next = () => {
      if (sent === count) {
        state = "quit"
        s.write("QUIT\r\n")
        return
      }
      sent++
      state = "envelope"
      pendingEnvelope = 2
      s.write(`MAIL FROM:<bench@example.test>\r\nRCPT TO:<c${id}@example.test>\r\n`)
    }
    s.on("data", (d) => {
      buf += d.toString("latin1")
      for (let i = buf.indexOf("\r\n"); i !== -1; i = buf.indexOf("\r\n")) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 2)
        if (line[3] === "-") continue
        if (state === "greeting") {
          state = "ehlo"
          s.write("EHLO bench.client\r\n")
        } else if (state === "ehlo") next()
        else if (state === "envelope") {
          if (!line.startsWith("250")) return reject(new Error(`envelope: ${line}`))
          if (--pendingEnvelope === 0) {
            state = "data"
            s.write("DATA\r\n")
          }
        } else if (state === "data") {
          if (!line.startsWith("354")) return reject(new Error(`DATA: ${line}`))
          state = "sent"
          s.write(`${body}\r\n.\r\n`)
        } else if (state === "sent") {
          if (line.startsWith("250")) ok++
          next()
        } else if (state === "quit") {
          s.end()
          resolve(ok)
        }
      }
    })
  })

const timer = setTimeout(() => {
  console.error("benchmark exceeded its time limit")
  process.exit(1)
}, DEADLINE_MS)
const perConnection = Array.from(
  { length: CONNECTIONS },
  (_, i) => Math.floor(MESSAGES / CONNECTIONS) + (i < MESSAGES % CONNECTIONS ? 1 : 0)
)
const t0 = performance.now()
const oks = await Promise.all(perConnection.map((n, i) => connection(i, n)))
const seconds = (performance.now() - t0) / 1000
clearTimeout(timer)
const accepted = oks.reduce((a, b) => a + b, 0)
const stored = perConnection.reduce(
  (sum, _, i) => sum + readdirSync(join(dataDir, "maildir", `c${i}@example.test`, "new")).length,
  0
)
await gateway.close()
rmSync(dataDir, { recursive: true, force: true })
console.log(
  `smtp round trip (maildir + fsync, antispam ${JSON.stringify(gateway.status().modules.antispam)}, ${body.length} B messages)`
)
console.log(
  `  ${MESSAGES} messages over ${CONNECTIONS} connections: ${accepted} accepted, ${stored} stored, ${seconds.toFixed(2)} s, ${(accepted / seconds).toFixed(0)} messages/s`
)
if (accepted !== MESSAGES || stored !== MESSAGES) process.exit(1)
