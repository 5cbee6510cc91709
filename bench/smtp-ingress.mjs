// SMTP ingress benchmark (packages/protocols, built dist): DATA decode / wire encode throughput,
// small-message round trips over loopback, and one 50 MB message through a real socket.
// Run: (cd packages/protocols && npx tsup) && node bench/smtp-ingress.mjs
// Loopback only; bounded (2 000 small messages, one 50 MB message).
import * as net from "node:net"
import { Smtp } from "../packages/protocols/dist/index.js"

const { DataDecoder, encodeForWire, SmtpServer } = Smtp
const ms = (t) => (performance.now() - t).toFixed(0)

const line = Buffer.from(`${"0123456789".repeat(7)}\r\n`)
const body = Buffer.concat(Array.from({ length: Math.ceil(50e6 / line.length) }, () => line))
let t = performance.now()
const wire = Buffer.from(encodeForWire(body))
console.log(`encodeForWire, 50 MB: ${ms(t)} ms`)
t = performance.now()
const decoder = new DataDecoder(1e9)
let decoded = 0
for (let i = 0; i < wire.length; i += 65536) decoder.push(wire.subarray(i, i + 65536), (b) => (decoded += b.length))
console.log(`DataDecoder, 50 MB in 64 KiB chunks: ${ms(t)} ms (${decoded} bytes)`)

const server = await SmtpServer.listen(
  { hostname: "bench.test", maxMessageSize: 64 * 1024 * 1024 },
  {
    onData: async (_s, _e, spool) => {
      for await (const _ of spool.stream()) {
        // read the spool back, as a scanner or relay would
      }
      return { code: 250, enhanced: "2.0.0", text: "ok" }
    }
  }
)

/** One connection sending `count` messages with pipelined MAIL+RCPT; resolves after the last 250. */
const session = (count, payload) =>
  new Promise((resolve, reject) => {
    const s = net.connect(server.address.port, "127.0.0.1")
    s.on("error", reject)
    let buf = ""
    let stage = "greeting"
    let done = 0
    s.on("data", (d) => {
      buf += d.toString("latin1")
      for (let i = buf.indexOf("\r\n"); i !== -1; i = buf.indexOf("\r\n")) {
        const reply = buf.slice(0, i)
        buf = buf.slice(i + 2)
        if (reply[3] === "-") continue
        if (stage === "greeting") {
          stage = "ehlo"
          s.write("EHLO bench\r\n")
        } else if (stage === "ehlo" || stage === "sent") {
          if (stage === "sent" && ++done === count) {
            stage = "quit"
            s.end("QUIT\r\n")
            resolve()
            continue
          }
          stage = "mail"
          s.write("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\n")
        } else if (stage === "mail") {
          stage = "rcpt"
        } else if (stage === "rcpt") {
          stage = "data"
          s.write("DATA\r\n")
        } else if (stage === "data") {
          stage = "sent"
          s.write(payload)
        }
      }
    })
  })

const small = Buffer.from("Subject: bench\r\n\r\nhello\r\n.\r\n")
t = performance.now()
await Promise.all(Array.from({ length: 4 }, () => session(500, small)))
console.log(`2 000 small messages over 4 connections: ${(2000 / ((performance.now() - t) / 1000)).toFixed(0)} msg/s`)
const heapBefore = process.memoryUsage().heapUsed
t = performance.now()
await session(1, wire)
console.log(
  `one 50 MB message (socket -> decoder -> disk spool -> re-read): ${ms(t)} ms; heapUsed ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB delta`
)
await server.close({ graceful: false })
