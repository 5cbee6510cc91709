// CPU per message of the engine on the peer workload, without the SMTP transport: the harness's
// generated corpus (../shared/peers-bench, its gen-corpus.js) and its antispam settings (RBL on
// the Received hops, DNSBL on body domains, SPF/DKIM/DMARC on by default), a real rbldnsd on an
// ephemeral loopback port serving the harness's zones (it refuses the SPF/DMARC names, as in the
// harness), the Node resolver with its cache, and the session's phases as the gateway runs them:
// connect, MAIL, RCPT, then the data phase with what they gave, at a given concurrency.
//
// Two passes, as the harness's two runs: `replay` (the 2,000 distinct messages, new DNS names in
// most) and `repeat` (20 of them 100 times each, as smtp-source sends: answers cached). Prints
// microseconds of process CPU (user + system) per message for each pass. Compare two builds in
// one sitting: `--checkout DIR` runs another checkout's build (a `git worktree`). `--warm-new`
// measures the replay pass on half the messages once the JIT has compiled their path on the
// other half (see below).
//
//   npm run build && node bench/engine-peers.mjs [--conc 20] [--classifier] [--checkout DIR] [--rounds 1]
//
// `--dns-resolver system|builtin` picks the resolver on a build that has both (default: the
// build's own default). `--dns-stats` prints the replay pass's DNS questions that reached the resolver (by type and
// outcome, with repeats); `--dns-record FILE` keeps their answers, which a later run with
// `--dns-inner recorded --dns-record FILE` gives without c-ares, and `--dns-inner cached` from
// the cache from the start (no question asked): the differences price the questions.
//
// `--classifier` adds the shipped content classifier stage (off by default: this measures the
// engine around the stages); `--prof FILE` writes a CPU profile of the measured passes
// (`--prof-interval US` its sampling interval), `--alloc FILE` an allocation profile (and prints
// the bytes allocated per message), `--survivors FILE` the same without what the scavenger
// collected (what survived the young generation, plus the young objects no scavenge has looked
// at yet when it ends; see bench/survivor-probe.mjs); `--passes repeat` runs one pass;
// `--outcomes FILE` writes each message's outcome (to compare two builds message by message);
// `--off auth,endUserBlocklist` switches checks off to see what they cost;
// `--shapes` counts the hidden classes of the engine's per-message objects (bench/engine-shapes.mjs).
// `--counts` prints, per measured pass and message, the fibers created (Effect's fiber ids),
// the promises created and the fibers' suspensions (async_hooks), and per phase how many
// finished as they started (the runner gave the value, not a promise), and the Node timers
// (`Timeout`: a `setTimeout`; `Immediate`: a `setImmediate`) created: counts the load does not
// move. The hook slows the run: not for timing.
import { spawn } from "node:child_process"
import { createSocket } from "node:dgram"
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { harnessCorpus, rbldnsdAnswers } from "./harness-corpus.mjs"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const flag = (name) => process.argv.includes(`--${name}`)
const root = resolve(arg("checkout", here))
const conc = Number(arg("conc", "20"))
const rounds = Number(arg("rounds", "1"))
const harness = resolve(arg("harness", join(here, "..", "shared", "peers-bench")))
const load = (path) => import(pathToFileURL(join(root, path)).href)
const { makeServerAntispam, Classifier } = await load("packages/antispam/dist/index.js")
const { Envelope, Facts, MessageModel } = await load("packages/core/dist/index.js")
const { NodeDns } = await load("packages/platform-node/dist/index.js")
const { Cause, Effect, Exit } = await load("packages/antispam/node_modules/effect/dist/index.js")

// The corpus and zones, generated as the harness does (deterministic).
const { work, corpus, files } = harnessCorpus(harness, "mailmoat-engine-peers-")
const messages = files.map((f) => Buffer.from(readFileSync(join(corpus, f), "latin1").replace(/\n/g, "\r\n"), "latin1"))

const freePort = async () => {
  const s = createSocket("udp4")
  await new Promise((r) => s.bind(0, "127.0.0.1", r))
  const port = s.address().port
  await new Promise((r) => s.close(r))
  return port
}
const zones = join(work, "dnsbl/zones")
chmodSync(zones, 0o755)
for (const f of readdirSync(zones)) chmodSync(join(zones, f), 0o644)
const port = await freePort()
const rbldnsd = spawn(
  "/usr/sbin/rbldnsd",
  [
    "-n",
    ...(process.getuid?.() === 0 ? ["-u", "nobody"] : []),
    "-w",
    zones,
    "-b",
    `127.0.0.1/${port}`,
    "bl.test:ip4set:bl.test.ip4set",
    "dbl.test:dnset:dbl.test.dnset"
  ],
  { stdio: "ignore" }
)
await rbldnsdAnswers(port)

// The resolver as `NodeDns.make` builds it (the build's default resolver under core's cache;
// `--dns-resolver system|builtin` picks one on a build that has both), with the cache's store
// and the questions below the cache reachable from here, to price the DNS questions:
// `--dns-stats` counts the replay pass's questions that reach the resolver (type, outcome,
// repeats); `--dns-record FILE` writes each question's outcome; with `--dns-inner recorded` a
// later run answers every question from that file one event-loop turn later (as a socket
// would), without c-ares or a socket; with `--dns-inner cached` every answer of the file is in
// the cache from the start (no question is asked at all).
const { Dns: CoreDns } = await load("packages/core/dist/index.js")
const wire = NodeDns.makeUncached({ servers: [`127.0.0.1:${port}`], resolver: arg("dns-resolver", undefined) })
const dnsInner = arg("dns-inner", "wire")
const recordFile = arg("dns-record", undefined)
const keyOf = (type, name) => `${type} ${CoreDns.normaliseName(name)}`
/** An outcome as JSON: `{ tag, records, ttlSeconds }` or `{ reason, detail }` (a DnsError). */
const recordOf = (exit) => {
  if (Exit.isSuccess(exit))
    return { tag: exit.value._tag, records: exit.value.records, ttlSeconds: exit.value.ttlSeconds }
  const e = Cause.findErrorOption(exit.cause)
  return e._tag === "Some" ? { reason: e.value.reason, detail: e.value.detail } : { reason: "Other", detail: "defect" }
}
const recorded = new Map(
  dnsInner !== "wire" && recordFile ? Object.entries(JSON.parse(readFileSync(recordFile, "utf8"))) : []
)
if (dnsInner !== "wire" && recorded.size === 0)
  throw new Error("--dns-inner recorded|cached needs --dns-record FILE of a wire run")
const asked = new Map()
const dnsStats = flag("dns-stats")
const count = (type, key, outcome) => {
  if (!dnsStats) return
  const k = `${type} ${outcome}`
  const seen = asked.get(k) ?? { questions: 0, names: new Set() }
  seen.questions++
  seen.names.add(key)
  asked.set(k, seen)
}
/** A recorded outcome as an exit: what a callback resolver (`DnsShape.query`) tells, and an Effect. */
const exitOf = (key, r) =>
  r.tag === "Answer"
    ? Exit.succeed({ _tag: "Answer", records: r.records, ttlSeconds: r.ttlSeconds })
    : r.tag === "NotFound"
      ? Exit.succeed({ _tag: "NotFound", detail: "recorded" })
      : Exit.fail(
          CoreDns.dnsError({
            reason: r.reason,
            type: key.slice(0, key.indexOf(" ")),
            name: key.slice(key.indexOf(" ") + 1),
            detail: r.detail
          })
        )
/** The recorded answer to a question, counted. */
const recordedExit = (type, key) => {
  const r = recorded.get(key)
  if (r === undefined) throw new Error(`no recorded answer for ${key}`)
  count(type, key, r.tag ?? r.reason)
  return r.exit ?? (r.exit = exitOf(key, r))
}
const inner = {
  lookup: (type, name, options) => {
    const key = keyOf(type, name)
    if (dnsInner === "recorded") {
      const answer = recordedExit(type, key)
      return Effect.callback((resume) => {
        setImmediate(() => resume(answer))
      })
    }
    return Effect.onExit(CoreDns.lookup(wire, type, name, options), (exit) =>
      Effect.sync(() => {
        const r = recordOf(exit)
        if (recordFile && !recorded.has(key)) recorded.set(key, r)
        count(type, key, r.tag ?? r.reason)
      })
    )
  }
}
// A build whose resolver answers by callback (`DnsShape.query`) gets that form too, as
// `NodeDns.make` gives it (the cache then asks through it); an older build ignores it.
if (wire.query !== undefined)
  inner.query = (type, name, timeoutMillis, now, answered) => {
    // Nothing to record or count: the resolver's own callback, so that the bench's bookkeeping
    // (a key and a record per answer, ~4 KB per message) is not counted as the engine's.
    if (dnsInner === "wire" && !recordFile && !dnsStats) return wire.query(type, name, timeoutMillis, now, answered)
    const key = keyOf(type, name)
    if (dnsInner === "recorded") {
      const exit = recordedExit(type, key)
      let over = false
      setImmediate(() => {
        if (!over) answered(exit)
      })
      return () => {
        over = true
      }
    }
    return wire.query(type, name, timeoutMillis, now, (exit) => {
      const r = recordOf(exit)
      if (recordFile && !recorded.has(key)) recorded.set(key, r)
      count(type, key, r.tag ?? r.reason)
      answered(exit)
    })
  }
const store = CoreDns.makeMemoryStore(dnsInner === "cached" ? recorded.size + 10_000 : 10_000)
if (dnsInner === "cached")
  for (const [key, r] of recorded)
    Effect.runSync(
      store.set(key, {
        outcome:
          r.tag === "Answer"
            ? { _tag: "Answer", answer: { records: r.records, ttlSeconds: r.ttlSeconds } }
            : r.tag === "NotFound"
              ? { _tag: "NotFound", detail: "recorded" }
              : { _tag: "Failure", reason: r.reason, detail: r.detail },
        expiresAt: Date.now() + 3_600_000
      })
    )
const dns = CoreDns.withCache(inner, { store })
const classifier = flag("classifier") ? Classifier.setup({}, { dataDir: work }) : undefined
const antispam = makeServerAntispam(
  {
    enabled: true,
    onSpam: "none",
    received: { maxIps: 3, trustedNetworks: ["127.0.0.0/8"] },
    rbl: { servers: ["bl.test"], timeoutSeconds: 2 },
    dnsbl: { servers: ["dbl.test"], timeoutSeconds: 2 },
    dns: { servers: [`127.0.0.1:${port}`] },
    // `--off auth,endUserBlocklist`: switch built-in checks off to see what they cost.
    ...Object.fromEntries(
      (arg("off", "") || "")
        .split(",")
        .filter(Boolean)
        .map((k) => [k, { enabled: false }])
    )
  },
  { dns, healthIntervalMillis: 0, authservId: "gw.bench.example", stages: classifier ? [classifier.stage] : [] }
)
const engine = antispam.engine

// The gateway's runner for the session's phases and the data phase (apps/gateway/src/runtime/Runner.ts):
// the value at once when the effect finished as it started, else a promise.
const unwrap = (exit) => {
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
const runPhase = (effect) => {
  if (Exit.isExit(effect)) return unwrap(effect)
  const fiber = Effect.runFork(effect)
  const done = fiber.pollUnsafe()
  return done !== undefined
    ? unwrap(done)
    : new Promise((resolve) => fiber.addObserver((exit) => resolve(unwrap(exit))))
}

// `--gc`: the collections of each measured pass (v8.GCProfiler, as bench/gc-probe.mjs counts a
// gateway's runs): scavenges, mark-compacts, their main-thread pause, the bytes allocated and the
// bytes the scavenges copied. Run node with the gateway's heap flags to match its young
// generation (`--max-semi-space-size=8 --heap-growing-percent=20`).
const gcCounting = flag("gc")
const { GCProfiler, getHeapStatistics } = await import("node:v8")
const { summarizeCollections } = await import("./gc-lines.mjs")
const OLD = new Set(["old_space", "code_space", "large_object_space", "code_large_object_space", "shared_space"])
/** GCProfiler's entries -> gc-lines' summary, with the pauses by kind and the bytes the scavenges promoted. */
const gcOf = (statistics, usedBefore) => {
  const out = { ...summarizeCollections(statistics, usedBefore), scavengeUs: 0, fullUs: 0, promotedBytes: 0 }
  for (const gc of statistics) {
    if (gc.gcType === "Scavenge") {
      out.scavengeUs += gc.cost
      const before = new Map(gc.beforeGC.heapSpaceStatistics.map((sp) => [sp.spaceName, sp.spaceUsedSize]))
      for (const sp of gc.afterGC.heapSpaceStatistics)
        if (OLD.has(sp.spaceName)) out.promotedBytes += Math.max(0, sp.spaceUsedSize - (before.get(sp.spaceName) ?? 0))
    } else if (gc.gcType === "MarkSweepCompact") out.fullUs += gc.cost
  }
  return out
}
// `--counts`: what each pass created, and the phases the runner answered at once.
const counting = flag("counts")
const created = { promises: 0, suspensions: 0, timeouts: 0, immediates: 0 }
const atOnce = { connect: 0, mail: 0, rcpt: 0, data: 0 }
if (counting) {
  const { createHook } = await import("node:async_hooks")
  createHook({
    init: (_id, type) => {
      if (type === "PROMISE") created.promises++
      else if (type === "effect/Fiber") created.suspensions++
      else if (type === "Timeout") created.timeouts++
      else if (type === "Immediate") created.immediates++
    }
  }).enable()
}
// The next fiber's id less one: Effect numbers its fibers from one counter (the probe is one).
const fibersSoFar = () => Effect.runFork(Effect.void).id
const countsNow = () => ({ fibers: fibersSoFar(), ...created, ...atOnce })
// The gateway's runner lends its clock to the session's phases while they are built
// (`Runner.lend`, `FiberClock.lend`); a build without `FiberClock.lend` builds them without one.
const { FiberClock } = await load("packages/core/dist/index.js")
const { Clock } = await load("packages/antispam/node_modules/effect/dist/index.js")
const defaultClock = Clock.Clock.defaultValue()
const lend = FiberClock?.lend === undefined ? (build) => build() : (build) => FiberClock.lend(defaultClock, build)
const phaseOf = (name, build) => {
  const value = runPhase(name === "data" ? build() : lend(build))
  if (counting && !(value instanceof Promise)) atOnce[name]++
  return value
}

// One SMTP session's engine work, as the gateway's SessionPhases and handler do it.
let sessions = 0
const session = async (bytes) => {
  const id = ++sessions
  const base = {
    clientAddress: "127.0.0.1",
    clientPort: 40000 + (id % 20000),
    localAddress: "127.0.0.1",
    helo: "client.example",
    tls: false,
    sessionFlags: new Set()
  }
  const mailFrom = "bench-sender@client.example"
  const rcpt = `user${id % 2000}@example.net`
  const connect = await phaseOf("connect", () => engine.connect(Envelope.make(base), Facts.make()))
  const facts = Facts.make()
  const mail = await phaseOf("mail", () => engine.mail(Envelope.make({ ...base, mailFrom }), facts))
  const r = await phaseOf("rcpt", () => engine.rcpt(Envelope.make({ ...base, mailFrom, rcptTo: [rcpt] }), rcpt, facts))
  const envelope = Envelope.make({ ...base, mailFrom, rcptTo: [rcpt] })
  const message = MessageModel.fromBytes(bytes, { envelope, size: bytes.length })
  // The data phase as the gateway's runner runs it too: the outcomes at once when it finished as it started.
  const outcomes = await phaseOf("data", () =>
    antispam.data(message, { connect, mail, rcpt: new Map([[rcpt, r]]), facts })
  )
  if (outcomes.length !== 1) throw new Error("expected one outcome")
  shapes?.record(outcomes[0], { connect, mail, rcpt: r })
  return outcomes[0]
}

// `--shapes`: how many hidden classes the engine's per-message objects have, kind by kind
// (bench/engine-shapes.mjs), over every pass, printed at the end.
const shapes = flag("shapes") ? (await import("./engine-shapes.mjs")).shapeCounter() : undefined

// `--outcomes FILE`: every measured message's outcome (class, score, symbols with details, trace
// facts, action, header changes; times and cache flags left out), one JSON line each, to compare
// two builds message by message.
const outcomesFile = arg("outcomes", undefined)
const outcomeLines = []
const timeless = (key, value) => (key === "millis" || key === "cached" || key === "startedAt" ? undefined : value)
const pass = async (list, name) => {
  let next = 0
  const classes = { ham: 0, spam: 0, unsure: 0 }
  const worker = async () => {
    while (next < list.length) {
      const i = next++
      const o = await session(list[i])
      classes[o.verdict.class]++
      if (name !== undefined && outcomesFile) outcomeLines[i] = `${name} ${i} ${JSON.stringify(o, timeless)}`
    }
  }
  const before = counting ? countsNow() : undefined
  const profiler = gcCounting && name !== undefined ? new GCProfiler() : undefined
  const usedBefore = getHeapStatistics().used_heap_size
  profiler?.start()
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(Array.from({ length: conc }, worker))
  const used = process.cpuUsage(cpu)
  const wall = performance.now() - t0
  const gc = profiler === undefined ? undefined : gcOf(profiler.stop().statistics, usedBefore)
  const counts =
    before === undefined
      ? undefined
      : Object.entries(countsNow()).map(
          ([k, v]) =>
            `${k} ${k in atOnce ? v - before[k] : ((v - before[k] - (k === "fibers" ? 1 : 0)) / list.length).toFixed(2)}`
        )
  return { us: (used.user + used.system) / list.length, wall, classes, counts, gc, n: list.length }
}

// `--warm-new`: the replay pass measures the first half of the messages only, after the JIT has
// been warmed on the second half (twice, their names asked then too): what a new sender's
// message costs once the code its path needs is compiled. Without it, the replay pass's first
// round also pays for V8 compiling that path (the engine has seen only the repeated messages of
// the warm-up), as the harness's replay run does after its smtp-source runs.
const warmNew = flag("warm-new")
const replay = warmNew ? messages.slice(0, messages.length / 2) : messages
const repeat = Array.from({ length: 2000 }, (_, i) => messages[Math.floor(i / 100) * 97])
// Warm-up (JIT): 500 messages of the repeat set, whose answers are then cached.
await pass(repeat.slice(0, 500))
if (warmNew) for (let i = 0; i < 2; i++) await pass(messages.slice(messages.length / 2))
const session_ = arg("prof", undefined)
let inspector
if (session_) {
  const { Session } = await import("node:inspector/promises")
  inspector = new Session()
  inspector.connect()
  await inspector.post("Profiler.enable")
  // `--prof-interval US`: V8's sampling interval (default 1,000 µs); a warmed replay pass of
  // 1,000 messages is ~1 s of CPU, too few samples at the default to split by owner.
  const interval = arg("prof-interval", undefined)
  if (interval !== undefined) await inspector.post("Profiler.setSamplingInterval", { interval: Number(interval) })
  await inspector.post("Profiler.start")
}
// `--alloc FILE`: a sampling allocation profile (collected objects included) of the measured passes.
// `--survivors FILE`: the same profile without the objects the scavenger collected: what survived
// the young generation (kept young or promoted; see bench/survivor-probe.mjs).
// `--retained FILE`: only the sampled objects still alive after a full collection at the end:
// what the passes left behind in caches and memos (the old generation's growth).
const survivorsFile = arg("survivors", undefined)
const retainedFile = arg("retained", undefined)
const allocFile = arg("alloc", undefined) ?? survivorsFile ?? retainedFile
if (allocFile) {
  const { Session } = await import("node:inspector/promises")
  inspector = new Session()
  inspector.connect()
  await inspector.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: retainedFile === undefined,
    includeObjectsCollectedByMinorGC: survivorsFile === undefined && retainedFile === undefined
  })
}
const results = []
// `--passes repeat` (or `replay`) runs only that pass.
const passes = arg("passes", "replay,repeat").split(",")
for (let r = 0; r < rounds; r++) {
  if (passes.includes("replay")) {
    asked.clear()
    results.push({ name: "replay", ...(await pass(replay, "replay")) })
    // `--dns-stats`: the questions of the replay pass that reached the resolver below the cache.
    if (dnsStats) {
      const rows = [...asked].sort(([a], [b]) => a.localeCompare(b))
      const total = rows.reduce((sum, [, v]) => sum + v.questions, 0)
      console.log(`replay DNS questions below the cache: ${(total / replay.length).toFixed(2)} per message`)
      for (const [k, v] of rows)
        console.log(
          `  ${k.padEnd(22)} ${(v.questions / replay.length).toFixed(3)}/msg, ${v.names.size} names (${v.questions - v.names.size} repeats)`
        )
      // The built-in resolver's own counts (datagrams sent and dropped, sockets opened, TCP).
      if (wire.stats !== undefined) console.log(`  resolver: ${JSON.stringify(wire.stats)}`)
    }
  }
  if (outcomesFile) writeFileSync(outcomesFile, `${outcomeLines.splice(0).join("\n")}\n`, { flag: r === 0 ? "w" : "a" })
  if (passes.includes("repeat")) results.push({ name: "repeat", ...(await pass(repeat, "repeat")) })
  if (outcomesFile) writeFileSync(outcomesFile, `${outcomeLines.splice(0).join("\n")}\n`, { flag: "a" })
}
if (inspector && session_) {
  const { profile } = await inspector.post("Profiler.stop")
  writeFileSync(session_, JSON.stringify(profile))
}
if (inspector && allocFile) {
  if (retainedFile !== undefined) await inspector.post("HeapProfiler.collectGarbage")
  const { profile } = await inspector.post("HeapProfiler.stopSampling")
  writeFileSync(allocFile, JSON.stringify(profile))
  const bytes = (node) => node.selfSize + node.children.reduce((sum, c) => sum + bytes(c), 0)
  const measured = results.reduce((sum, r) => sum + r.n, 0)
  console.log(
    `${retainedFile !== undefined ? "retained after a full collection (sampled)" : survivorsFile === undefined ? "allocated (sampled, collected objects included)" : "survived the young generation (sampled)"}: ${(bytes(profile.head) / measured / 1024).toFixed(1)} KB/msg`
  )
}
/** A pass's collections, per 2,000 messages (the harness's run) and per message. */
const gcLine = (gc, n) => {
  const per2000 = (v) => ((v * 2000) / n).toFixed(1)
  const ms = (us) => ((us * 2000) / n / 1000).toFixed(1)
  const kb = (bytes) => (bytes / n / 1024).toFixed(1)
  return `per 2,000 msgs ${per2000(gc.scavenges)} scavenges (${ms(gc.scavengeUs)} ms), ${per2000(gc.fullGcs)} mark-compacts (${ms(gc.fullUs)} ms), ${per2000(gc.markingSteps)} marking steps, all pauses ${ms(gc.pauseUs)} ms; per msg ${kb(gc.allocatedBytes)} KB allocated, ${kb(gc.survivedBytes)} KB copied by scavenges, ${kb(gc.promotedBytes)} KB of it promoted`
}
for (const r of results)
  console.log(
    `${r.name.padEnd(7)} ${String(r.n).padStart(5)} msgs, conc ${conc}: ${r.us.toFixed(0).padStart(5)} us CPU/msg, ${(r.n / (r.wall / 1000)).toFixed(0).padStart(5)} msgs/s (${r.classes.ham} ham, ${r.classes.unsure} unsure, ${r.classes.spam} spam)${r.counts === undefined ? "" : `\n        per message: ${r.counts.slice(0, 5).join(", ")}; finished at once of ${r.n}: ${r.counts.slice(5).join(", ")}`}${r.gc === undefined ? "" : `\n        gc: ${gcLine(r.gc, r.n)}`}`
  )
if (gcCounting) {
  // What the passes left alive (caches, memos, the model): the heap after a full collection.
  const { Session } = await import("node:inspector/promises")
  const probe = new Session()
  probe.connect()
  await probe.post("HeapProfiler.collectGarbage")
  probe.disconnect()
  console.log(`live heap after a full collection: ${(getHeapStatistics().used_heap_size / 1048576).toFixed(1)} MB`)
}
if (shapes !== undefined) for (const line of shapes.report()) console.log(line)
if (recordFile && dnsInner === "wire") writeFileSync(recordFile, JSON.stringify(Object.fromEntries(recorded)))
await antispam.close()
await classifier?.close()
rbldnsd.kill()
rmSync(work, { recursive: true, force: true })
