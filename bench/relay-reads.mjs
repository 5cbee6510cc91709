#!/usr/bin/env node
// What a relay client's read costs Node, by how the socket is read: the readable stream's 'data'
// events (a new buffer per read, `push`, the event, a `process.nextTick`) against `onread` into
// one reused buffer (what `OwnReads` does for the relay client on Node). Postfix's smtp-sink is the
// downstream; `--conns` connections each send NOOP and wait for its reply `--trips` times; a round
// runs every connection once, the two ways alternate round by round in this one process, and the
// CPU of this process (user + system: our JavaScript and the kernel's side of our writes and
// reads) is divided by the round trips. Both ways write the same bytes and read the same replies:
// the difference is the read path.
//
//   flock /tmp/peers-harness.lock node bench/relay-reads.mjs [--conns 20] [--trips 2000] [--rounds 9]
//
// Everything runs on 127.0.0.1 with an ephemeral port; smtp-sink is stopped by PID.
import { spawn } from "node:child_process"
import * as net from "node:net"
import { freePort } from "./smtp-source-load.mjs"

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}
const conns = arg("conns", 20)
const trips = arg("trips", 2000)
const rounds = arg("rounds", 9)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const NOOP = Buffer.from("NOOP\r\n")

/** One connection read `way`: resolves after the greeting, then `run(n)` does n round trips. */
const open = (port, way) =>
  new Promise((ready, fail) => {
    let onReply = () => undefined
    // A reply ends with "\r\n" after a line that is not a continuation: enough for smtp-sink's one-line replies.
    const seen = (bytes) => {
      if (bytes[bytes.length - 1] === 0x0a) onReply()
    }
    const options = { port, host: "127.0.0.1" }
    if (way === "onread")
      options.onread = { buffer: new Uint8Array(16 * 1024), callback: (n, b) => seen(b.subarray(0, n)) }
    const socket = net.connect(options)
    socket.setNoDelay(true)
    socket.on("data", seen)
    socket.on("error", fail)
    const run = (n) =>
      new Promise((done) => {
        let left = n
        onReply = () => {
          if (--left === 0) return done()
          socket.write(NOOP)
        }
        socket.write(NOOP)
      })
    onReply = () => ready({ run, close: () => socket.destroy() })
  })

const port = await freePort()
const asRoot = process.getuid?.() === 0
const sink = spawn("/usr/sbin/smtp-sink", [...(asRoot ? ["-u", "nobody"] : []), `127.0.0.1:${port}`, "1024"], {
  stdio: "ignore"
})
try {
  await sleep(500)
  const ways = { data: [], onread: [] }
  const sockets = { data: [], onread: [] }
  for (const way of Object.keys(ways)) for (let i = 0; i < conns; i++) sockets[way].push(await open(port, way))
  // Warm-up: both ways optimised before the first measured round.
  for (const way of Object.keys(ways)) await Promise.all(sockets[way].map((s) => s.run(trips / 4)))
  for (let r = 0; r < rounds; r++)
    for (const way of r % 2 === 0 ? ["data", "onread"] : ["onread", "data"]) {
      const before = process.cpuUsage()
      await Promise.all(sockets[way].map((s) => s.run(trips)))
      const used = process.cpuUsage(before)
      ways[way].push((used.user + used.system) / (conns * trips))
    }
  for (const way of Object.keys(ways)) for (const s of sockets[way]) s.close()
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const ratios = ways.onread.map((x, i) => x / ways.data[i])
  console.log(
    `| read path (${conns} conns x ${trips} trips, ${rounds} rounds) | CPU µs per round trip, median (range) |`
  )
  console.log("|---|---|")
  for (const [way, xs] of Object.entries(ways))
    console.log(`| ${way} | ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}) |`)
  console.log(
    `| onread / data, round by round | median ×${median(ratios).toFixed(3)} (${ratios.map((x) => x.toFixed(2)).join(", ")}) |`
  )
} finally {
  sink.kill("SIGTERM")
}
