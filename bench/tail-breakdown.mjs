#!/usr/bin/env node
// Where the replay run's slow sessions spend their time. The peer harness's replay run
// (../shared/peers-bench/lib/smtp-replay.js: the 2,000 distinct messages, one SMTP session each,
// 20 at a time, latency from connect to the final 250) with the harness's zones in a real
// rbldnsd, the harness's gateway configuration and smtp-sink downstream, all on 127.0.0.1 with
// ephemeral ports, every process stopped by PID. The gateway is warmed as in the harness (its
// smtp-source warm-up and `--warm-runs` runs of 2,000 messages) before the measured replay.
//
//   npm run build && node bench/tail-breakdown.mjs [--checkouts here,/tmp/base,here+FLAG] [--rounds 1]
//                                                   [--conc 20] [--warm-runs 2] [--json FILE]
//                                                   [--messages 2000] [--gw-out DIR]
//
// The client times every step of every session; inside the gateway bench/tail-probe.mjs records
// the event loop's delay and long turns, garbage collections, accepted connections, the relay's
// downstream connections and when each message was handed to one, and every DNS question. The
// report gives the latency distribution, then each step's time for the median sessions against the
// slowest 1 % (connect: to the gateway's accept; dot: the client's message to our 250), the
// gateway-side split of the end of data (dotToData: the client's message to the relay's DATA
// downstream, about 0 when DATA goes ahead of the verdict; dotToMessage: to the message written
// downstream, i.e. the data phase's checks plus any DATA round trip still in the way; reply: the
// message written to our 250), and what the slow sessions met: GC pauses, long turns, fresh
// downstream connections, slow DNS questions (bench/tail-report.mjs; `node bench/tail-report.mjs
// FILE` prints it again from a `--json FILE` of an earlier run). With several checkouts and
// rounds, the order alternates round by round (A B, B A, ...). `CHECKOUT+FLAG[+FLAG...]` passes
// `--FLAG` to that system's node alone (`here+heap-growing-percent=0`); GW_NODE_FLAGS to every one.
// `--gw-out DIR` keeps each gateway's output (V8's `--trace-gc` lines, bench/gc-probe.mjs's) in
// DIR/rROUND-N.out, N the system's place in --checkouts (bench/replay-gc.mjs reads them).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { cpuMs } from "./smtp-source-load.mjs"
import { report, summary } from "./tail-report.mjs"
import { harnessCorpus } from "./harness-corpus.mjs"
import { processes, sleep, smtpSourceRun, startGateway, startRbldnsd, waitFor } from "./harness-gateway.mjs"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const conc = Number(arg("conc", "20"))
const rounds = Number(arg("rounds", "1"))
const warmRuns = Number(arg("warm-runs", "2"))
const checkouts = arg("checkouts", "here").split(",")
const jsonOut = arg("json", undefined)
const gwOut = arg("gw-out", undefined)
if (gwOut !== undefined) mkdirSync(gwOut, { recursive: true })
const harness = resolve(arg("harness", join(here, "..", "shared", "peers-bench")))
const mono = () => Number(process.hrtime.bigint()) / 1e6

// The harness's corpus and zones (deterministic), in a folder of our own.
const { work, corpus, files } = harnessCorpus(harness, "mailmoat-tail-")
// As smtp-replay.js sends them: CRLF, dot-stuffed, terminated.
const messages = files.slice(0, Number(arg("messages", String(files.length)))).map((f) => {
  const t = readFileSync(join(corpus, f), "utf8").replace(/\r?\n/g, "\r\n")
  return {
    id: /^Message-ID: <([^>]*)>/im.exec(t)?.[1],
    bytes: Buffer.from(t.replace(/^\./gm, "..") + (t.endsWith("\r\n") ? "" : "\r\n") + ".\r\n")
  }
})

const procs = processes()
// rbldnsd with the harness's zones, on its own port.
const dnsPort = await startRbldnsd(procs, work)

/** One SMTP session as smtp-replay.js runs it, with the time of every step (monotonic ms). */
const session = (port, message) =>
  new Promise((done) => {
    const t = { start: mono() }
    const s = net.connect(port, "127.0.0.1")
    s.setNoDelay(true)
    s.once("connect", () => {
      t.connected = mono()
      t.port = s.localPort
    })
    let buf = ""
    let step = 0
    let finished = false
    const fin = (ok, why) => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      s.destroy()
      done({ ok, why, t, id: message.id, bytes: message.bytes.length })
    }
    const timer = setTimeout(() => fin(false, "timeout"), 30_000)
    const steps = [
      [220, "greeting", () => s.write("EHLO client.example\r\n")],
      [250, "ehlo", () => s.write("MAIL FROM:<bench-sender@client.example>\r\n")],
      [250, "mail", () => s.write("RCPT TO:<rcpt@example.net>\r\n")],
      [250, "rcpt", () => s.write("DATA\r\n")],
      [354, "data", () => s.write(message.bytes)],
      [
        250,
        "dot",
        () => {
          s.write("QUIT\r\n")
          s.end()
          finished = true
          clearTimeout(timer)
          done({ ok: true, t, id: message.id, bytes: message.bytes.length })
        }
      ]
    ]
    s.on("data", (d) => {
      buf += d.toString("latin1")
      for (let m = /^(\d{3})([ -])(.*)\r\n/.exec(buf); m; m = /^(\d{3})([ -])(.*)\r\n/.exec(buf)) {
        buf = buf.slice(m[0].length)
        if (m[2] === "-") continue
        if (finished) return
        const [want, name, act] = steps[step++]
        t[name] = mono()
        if (Number(m[1]) !== want) return fin(false, `${name}: ${m[1]} ${m[3]}`)
        act()
      }
    })
    s.on("error", (e) => fin(false, e.code))
    s.on("close", () => fin(false, "closed"))
  })

const replay = async (port) => {
  const results = []
  let next = 0
  const worker = async () => {
    while (next < messages.length) results.push(await session(port, messages[next++]))
  }
  const t0 = mono()
  await Promise.all(Array.from({ length: conc }, worker))
  return { results, wallMs: mono() - t0 }
}

/** CPU time the whole machine spent busy (every core), in ms. */
const machineBusyMs = () => {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/)
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number)
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100
}

/** The process's peak resident set (VmHWM, MB) so far: its whole life, warm-up runs included. */
const peakRss = (pid) => {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
  return kb === undefined ? undefined : Number(kb) / 1024
}

// A system is a checkout (`here` or a folder with a built gateway) and node flags for it alone:
// `here+heap-growing-percent=0` runs this checkout with `--heap-growing-percent=0`.
const measure = async (system, outFile) => {
  const [checkout, ...systemFlags] = system.split("+")
  const dir = checkout === "here" ? here : resolve(checkout)
  const probeOut = join(mkdtempSync(join(work, "probe-")), "probe.json")
  const flags = [
    ...(process.env.GW_NODE_FLAGS ?? "").split(" ").filter((f) => f !== ""),
    ...systemFlags.map((f) => `--${f}`)
  ]
  const { gw, sink, smtpPort } = await startGateway(procs, {
    work,
    dir,
    dnsPort,
    nodeArgs: [...flags, "--import", join(here, "bench/tail-probe.mjs")],
    env: { ...process.env, MM_TAIL_OUT: probeOut },
    outFile
  })
  try {
    smtpSourceRun(work, smtpPort, conc, 2)
    for (let r = 0; r < warmRuns; r++) smtpSourceRun(work, smtpPort, conc, 20)
    await sleep(1200)
    gw.child.kill("SIGUSR2")
    await sleep(300)
    const cpu0 = cpuMs(gw.child.pid)
    const busy0 = machineBusyMs()
    const { results, wallMs } = await replay(smtpPort)
    const cpu = { gatewayMs: cpuMs(gw.child.pid) - cpu0, machineBusyMs: machineBusyMs() - busy0 }
    const peakRssMb = peakRss(gw.child.pid)
    await sleep(500)
    gw.child.kill("SIGUSR2")
    await waitFor(
      () => {
        try {
          return readFileSync(probeOut, "utf8")
        } catch {
          return ""
        }
      },
      /\}$/,
      20_000,
      "the probe's record"
    )
    return {
      checkout: system,
      conc,
      wallMs,
      cpu,
      peakRssMb,
      results,
      probe: JSON.parse(readFileSync(probeOut, "utf8"))
    }
  } finally {
    await procs.stop(gw.child)
    await procs.stop(sink.child)
  }
}

const runs = []
try {
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 0 ? [...checkouts].reverse() : checkouts
    for (const checkout of order) {
      const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0]
      const outFile = gwOut === undefined ? undefined : join(gwOut, `r${round}-${checkouts.indexOf(checkout)}.out`)
      const run = await measure(checkout, outFile)
      run.round = round
      runs.push(run)
      console.log(`\n# round ${round}, load average ${load} before it${report(run, conc)}`)
    }
  }
  if (runs.length > 1) console.log(summary(runs, checkouts[0]))
  if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify(runs))
} finally {
  await procs.stopAll()
  rmSync(work, { recursive: true, force: true })
}
