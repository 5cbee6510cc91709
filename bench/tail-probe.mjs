// A preload that records where a gateway process's time goes while a load runs, for
// bench/tail-breakdown.mjs: `MM_TAIL_OUT=FILE node --import ./bench/tail-probe.mjs main.js`.
// The first SIGUSR2 starts the record afresh (start-up and warm-up left out), the second writes it
// to FILE as JSON. Times are milliseconds on the monotonic clock (`process.hrtime`), which every
// process on the machine shares, so they line up with the load client's.
//
// What it records:
// - the event loop's utilisation (the share of the time it ran code rather than wait for I/O),
//   its delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) and every turn
//   longer than `MM_TAIL_GAP_MS` (default 5) seen by a 1 ms timer: when and how long;
// - the process's CPU time (every thread's, ms) at each tick of that timer, as pairs in one flat
//   array [time, cpu, time, cpu, ...]: how much work the gateway did while a session was open,
//   which a machine shared with other jobs stretches far less than the session's wall time;
// - every garbage collection (PerformanceObserver 'gc'): when, how long, which kind;
// - every accepted connection (diagnostics_channel `net.server.socket`): when, the client's port;
// - every outgoing connection (`net.client.socket`, the relay's downstream connections): when,
//   and on each one the time each `DATA` was written and when a message (found by its
//   Message-ID) went out after it, with the message's position on that connection;
// - every question to node:dns's `Resolver` (the system resolver the gateway uses by default):
//   when, how long, its type and error code (not with MM_TAIL_DNS=0: the wrappers hold a record
//   and closures per question, and redefine `oncomplete` on c-ares' request, all of it alive
//   for the question's wait, which a survivor count of the DNS path should not include);
// - with MM_TAIL_TASKS=1, every task the event loop ran (bench/tail-tasks.mjs): when, how long,
//   what kind, and for a socket's its ports (this costs the process much more CPU).
// The timer and the write hook cost the process a little CPU: the figures are a breakdown of
// one run, not a speed measurement.
import diagnostics from "node:diagnostics_channel"
import dns from "node:dns"
import { writeFileSync } from "node:fs"
import { recordTasks } from "./tail-tasks.mjs"
import net from "node:net"
import { monitorEventLoopDelay, PerformanceObserver, performance } from "node:perf_hooks"

const out = process.env.MM_TAIL_OUT
const gapMs = Number(process.env.MM_TAIL_GAP_MS ?? 5)
if (out !== undefined) {
  const now = () => Number(process.hrtime.bigint()) / 1e6
  // performance.now() and the monotonic clock differ by a constant: the GC entries' start times.
  const perfToMono = now() - performance.now()
  const fresh = () => ({ gc: [], gaps: [], accepts: [], connects: [], messages: [], dns: [], tasks: [], cpu: [] })
  let rec = fresh()
  const eld = monitorEventLoopDelay({ resolution: 1 })
  eld.enable()
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.gc.push([perfToMono + e.startTime, e.duration, e.detail?.kind ?? e.kind])
  }).observe({ entryTypes: ["gc"] })
  let last = now()
  const cpuMs = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  setInterval(() => {
    const t = now()
    if (t - last > gapMs) rec.gaps.push([last, t - last])
    last = t
    rec.cpu.push(t, cpuMs())
  }, 1).unref()
  diagnostics.subscribe("net.server.socket", ({ socket }) => rec.accepts.push([now(), socket.remotePort]))
  // The relay's sockets, each with when it connected, when it last wrote DATA and how many
  // messages it carried. Writes are seen at the prototype: an own `write` set on the socket is
  // not the one the relay's writes reach.
  const downstream = new WeakMap()
  diagnostics.subscribe("net.client.socket", ({ socket }) => {
    const connectedAt = now()
    rec.connects.push(connectedAt)
    downstream.set(socket, { connectedAt, dataAt: undefined, carried: 0 })
  })
  const marker = Buffer.from("Message-ID: <")
  const write = net.Socket.prototype.write
  net.Socket.prototype.write = function (chunk, ...rest) {
    const d = downstream.get(this)
    if (d !== undefined && (typeof chunk === "string" || ArrayBuffer.isView(chunk))) {
      const bytes =
        typeof chunk === "string"
          ? Buffer.from(chunk, "latin1")
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      if (bytes.length >= 6 && bytes.subarray(bytes.length - 6).toString("latin1") === "DATA\r\n") d.dataAt = now()
      const at = bytes.indexOf(marker)
      if (at >= 0) {
        d.carried++
        rec.messages.push({
          id: bytes.subarray(at + marker.length, bytes.indexOf(62, at)).toString("latin1"),
          dataAt: d.dataAt,
          writtenAt: now(),
          connectedAt: d.connectedAt,
          position: d.carried
        })
      }
    }
    return write.call(this, chunk, ...rest)
  }
  const dnsMethods =
    process.env.MM_TAIL_DNS === "0" ? [] : ["resolve4", "resolve6", "resolveTxt", "resolvePtr", "resolveMx"]
  for (const method of dnsMethods) {
    const original = dns.Resolver.prototype[method]
    dns.Resolver.prototype[method] = function (name, ...rest) {
      const callback = rest.pop()
      const t0 = now()
      const req = original.call(this, name, ...rest, (error, ...answer) => {
        rec.dns.push([t0, now() - t0, method, error?.code ?? "ok"])
        callback(error, ...answer)
      })
      // The gateway's c-ares layer (platform-node's NodeDns.ts `takeOver`) sets the request's
      // `oncomplete` after the call, so the public callback above never runs: time that one too.
      if (typeof req === "object" && req !== null) {
        let complete = req.oncomplete
        Object.defineProperty(req, "oncomplete", {
          configurable: true,
          get: () => complete,
          set: (f) => {
            complete = (code, ...result) => {
              rec.dns.push([t0, now() - t0, method, code ? String(code) : "ok"])
              return f(code, ...result)
            }
          }
        })
      }
      return req
    }
  }
  if (process.env.MM_TAIL_TASKS === "1") recordTasks(now, () => rec.tasks)
  // The event loop's utilisation (the share of time it was not waiting for I/O) over the record.
  let elu = performance.eventLoopUtilization()
  let started = false
  process.on("SIGUSR2", () => {
    if (!started) {
      started = true
      rec = fresh()
      eld.reset()
      elu = performance.eventLoopUtilization()
      return
    }
    const q = (p) => eld.percentile(p) / 1e6
    const loop = { p50: q(50), p90: q(90), p99: q(99), max: eld.max / 1e6, mean: eld.mean / 1e6 }
    const utilisation = performance.eventLoopUtilization(elu).utilization
    writeFileSync(out, JSON.stringify({ ...rec, loop: { ...loop, utilisation } }))
  })
}
