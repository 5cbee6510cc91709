#!/usr/bin/env node
// What the small per-message costs of the gateway's repeated-message path cost each, in µs of
// process CPU per operation (median of the rounds, range), to price a lead before building it:
//
// - `root fiber`: the data phase as the gateway runs a finished one (`Protection.ts` through the
//   runner, `Runner.make(Context.empty())`: a fiber forked and polled), with the server module's
//   wrappers (`Assembly.run`'s logger service, the engine's `catchCause`, `ServerAntispam`'s counting
//   `tap`) around a generator of `--yields` finished steps; `finished Exit`: the same answer given
//   as an `Exit` (no fiber, no wrapper, no generator), what an eager data phase would cost.
// - `timer set+clear` and `timer refresh`: Node's timers with 20 others of the same duration
//   armed, as under load (the session's idle, lifetime, call and reply timers).
// - `await of a value`: one continuation of an `async` function on a value that is not a
//   promise (the handler's `await` of a data phase that finished at once), microtask included.
// - `stage answer, eager generator` and `stage answer, plain`: one list stage's answer on a
//   repeated message, shaped as the RBL stage's: the lists in force, then the runner's cached
//   records, then the result. As the stages gave it before "Stage answers as values, and two
//   processes, 2026-12-07 night" (docs/performance.md)
//   (`Effect.fnUntracedEager` yielding two finished effects, the runner's result through
//   `mapEager`, the answer a finished `Exit`) and as `Stage.answer` gives it (the values through
//   `StageAnswers.andThen`; on a checkout without it, not measured).
// - `message line` and `Received header`: the checkout's built gateway (`Log.make` with a sink
//   and the per-message fields of `MessageLine.ts`; `receivedHeader` of `TraceHeaders.ts`).
//
// The SMTP session's state machine has its own bench (bench/session-step.mjs). No I/O here.
//
//   npm run build && node bench/per-message-overheads.mjs [--checkout DIR] [--ops 200000] [--rounds 7] [--yields 8]
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const root = resolve(arg("checkout", here))
const ops = Number(arg("ops", "200000"))
const rounds = Number(arg("rounds", "7"))
const yields = Number(arg("yields", "8"))
const load = (path) => import(pathToFileURL(join(root, path)).href)
const { Context, Effect, Exit, Logger } = await load("packages/antispam/node_modules/effect/dist/index.js")
const { Log, receivedHeader } = await load("apps/gateway/dist/index.js")
const { StageAnswers } = await load("packages/core/dist/index.js")

let sink = 0
const fork = Effect.runForkWith(Context.empty())
const loggers = new Set([Logger.make(() => undefined)])
const outcomes = [{ recipient: "user1@example.net" }]
const phase = () =>
  Effect.gen(function* () {
    let n = 0
    for (let i = 0; i < yields; i++) n += yield* Effect.succeed(1)
    sink += n
    return outcomes
  })
const wrapped = () =>
  Effect.provideService(phase(), Logger.CurrentLoggers, loggers).pipe(
    Effect.catchCause(() => Effect.succeed(outcomes)),
    Effect.tap((o) => Effect.sync(() => (sink += o.length)))
  )
const unwrap = (exit) => (Exit.isSuccess(exit) ? exit.value : undefined)
const viaFiber = () => {
  const e = wrapped()
  if (Exit.isExit(e)) return unwrap(e)
  return unwrap(fork(e).pollUnsafe())
}
const asExit = () => {
  sink += yields
  const e = Exit.succeed(outcomes)
  return Exit.isExit(e) ? unwrap(e) : undefined
}

// A list stage's answer on a repeated message: lists known, every record cached.
const lists = { rbl: [] }
const records = [{ provider: "bl.test", answer: { _tag: "NotListed" } }]
const resultOf = (l, r) => ({ symbols: [], facts: { lists: l.rbl.length, records: r.length } })
const answerByGenerator = Effect.fnUntracedEager(function* () {
  const l = yield* Effect.succeed(lists)
  const r = yield* Effect.mapEager(Effect.succeed(records), (x) => x)
  return resultOf(l, r)
})
const answerPlain = () =>
  StageAnswers.andThen(lists, (l) =>
    StageAnswers.andThen(
      StageAnswers.andThen(records, (x) => x),
      (r) => resultOf(l, r)
    )
  )
const viaGenerator = () => {
  const e = answerByGenerator()
  sink += Exit.isExit(e) ? unwrap(e).symbols.length : 0
}
const viaValues = () => {
  const a = answerPlain()
  sink += StageAnswers.isWaiting(a) ? 0 : a.symbols.length
}

const noop = () => undefined
const live = [
  ...Array.from({ length: 20 }, () => setTimeout(noop, 300_000)),
  ...Array.from({ length: 20 }, () => setTimeout(noop, 30_000))
]
const refreshed = setTimeout(noop, 300_000)

const log = Log.make({ level: "info", format: "text" }, (line) => (sink += line.length), Date.now)
const envelope = {
  clientAddress: "127.0.0.1",
  helo: "client.example",
  mailFrom: "bench-sender@client.example",
  rcptTo: ["user1@example.net"],
  tls: false,
  sessionFlags: new Set(),
  receivedAt: Date.now()
}
const lineFields = () => ({
  queue: "c1a2b3.1k",
  client: "127.0.0.1",
  from: "bench-sender@client.example",
  rcpt: "user1@example.net",
  verdict: "spam",
  score: 12,
  rule: "spam score 12 >= 6",
  action: "Deliver",
  reply: 250,
  size: 3120,
  ms: 3
})

const cpu = (f) => {
  const t = process.cpuUsage()
  for (let i = 0; i < ops; i++) f()
  const u = process.cpuUsage(t)
  return (u.user + u.system) / ops
}
const cpuAsync = async () => {
  const t = process.cpuUsage()
  const value = 1
  for (let i = 0; i < ops; i++) sink += await value
  const u = process.cpuUsage(t)
  return (u.user + u.system) / ops
}

const cases = [
  [`root fiber, wrappers, ${yields} yields`, () => cpu(viaFiber)],
  ["finished Exit", () => cpu(asExit)],
  ["stage answer, eager generator", () => cpu(viaGenerator)],
  ...(StageAnswers === undefined ? [] : [["stage answer, plain", () => cpu(viaValues)]]),
  ["timer set+clear", () => cpu(() => clearTimeout(setTimeout(noop, 300_000)))],
  ["timer refresh", () => cpu(() => refreshed.refresh())],
  ["await of a value", cpuAsync],
  ["message line", () => cpu(() => log.event("info", "message", lineFields()))],
  [
    "Received header",
    () =>
      cpu(
        () =>
          (sink += receivedHeader({ envelope, hostname: "gw.bench.example", id: "c1a2b3.1k", now: Date.now() }).length)
      )
  ]
]
const results = cases.map(() => [])
for (let r = 0; r < rounds; r++)
  for (let i = 0; i < cases.length; i++) {
    // Alternate the order round by round, so a burst of foreign load does not favour one case.
    const k = r % 2 === 0 ? i : cases.length - 1 - i
    results[k].push(await cases[k][1]())
  }
for (const t of live) clearTimeout(t)
clearTimeout(refreshed)

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`| ${root === resolve(here) ? "here" : root} (${ops} ops x ${rounds} rounds) | µs per op, median | range |`)
console.log("|---|---|---|")
cases.forEach(([name], i) => {
  const xs = results[i]
  console.log(`| ${name} | ${median(xs).toFixed(3)} | ${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)} |`)
})
if (sink === -1) console.log("")
