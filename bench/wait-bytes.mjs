// What a new sender's message holds while it waits, by the two waits of its DNS questions, in
// heap bytes per wait (a count, not a time): N pipeline groups pending at once
// (`Deadline.exitsWithin` over three `Later`s with deadlines, as the data phase waits for RBL,
// DNSBL and the sender check), and N DNS questions pending at once under the cache (`withCache`
// over a resolver answered by callback that holds its callbacks, each question with a deadline
// as the sender check asks, and unkept without one as the list lookups ask). The heap is
// measured after a full collection before and after starting them (a young generation large
// enough that nothing is collected in between, then a full collection: only what is held), and
// the Node timers they set are counted; then everything is answered. Five runs after one to warm
// up: the median and the runs.
//
//   node --expose-gc bench/wait-bytes.mjs [--checkout DIR] [--n 2000]
import { createHook } from "node:async_hooks"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const root = resolve(arg("checkout", here))
const n = Number(arg("n", "2000"))
const load = (path) => import(pathToFileURL(join(root, path)).href)
const { Deadline, Later, Dns } = await load("packages/core/dist/index.js")
const { Effect, Exit } = await load("packages/core/node_modules/effect/dist/index.js")
if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc")

let timers = 0
createHook({
  init: (_id, type) => {
    if (type === "Timeout") timers++
  }
}).enable()

const held = async (start) => {
  // What the last run left (fibers the scheduler still queues) goes first.
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 20))
    globalThis.gc()
  }
  const before = process.memoryUsage().heapUsed
  const t0 = timers
  const finish = start()
  globalThis.gc()
  const bytes = (process.memoryUsage().heapUsed - before) / n
  const set = (timers - t0) / n
  await finish()
  return { bytes, timers: set }
}

// Pipeline groups: three Laters each, told when the test says, deadlines 7000/4000/4000 ms.
const groups = () => {
  const tells = []
  const fibers = []
  for (let g = 0; g < n; g++) {
    const later = (v) =>
      Later.make((done) => {
        tells.push(() => done(Exit.succeed(v)))
        return () => {}
      })
    fibers.push(
      Effect.runFork(
        Deadline.exitsWithin([
          { effect: later(1), millis: 7000 },
          { effect: later(2), millis: 4000 },
          { effect: later(3), millis: 4000 }
        ])
      )
    )
  }
  return async () => {
    for (const t of tells) t()
    await Promise.all(fibers.map((f) => new Promise((r) => f.addObserver(r))))
  }
}

// DNS questions under the cache: the inner resolver holds each question's callback.
const questions = (timed) => () => {
  const pending = []
  const inner = {
    lookup: () => Effect.never,
    resolve: () => Effect.never,
    query: (type, name, millis, now, answered) => {
      pending.push(answered)
      return () => {}
    }
  }
  const cache = Dns.withCache(inner)
  const now = Date.now()
  for (let i = 0; i < n; i++)
    cache.query("A", `${i}.4.3.2.bl.test`, 4000, now, () => {}, timed, timed ? undefined : false)
  return async () => {
    for (const answered of pending) answered(Exit.succeed({ _tag: "NotFound", detail: "nx" }))
  }
}

for (const [name, start] of [
  ["pipeline group (3 Laters)", groups],
  ["DNS question, timed waiter, kept", questions(true)],
  ["DNS question, untimed, unkept", questions(false)]
]) {
  // Once to warm the code up, then measured five times: the median.
  await held(start)
  const runs = []
  for (let i = 0; i < 5; i++) runs.push(await held(start))
  runs.sort((a, b) => a.bytes - b.bytes)
  const r = runs[2]
  console.log(
    `${name.padEnd(34)} ${r.bytes.toFixed(0).padStart(5)} bytes held (runs ${runs.map((x) => x.bytes.toFixed(0)).join(", ")}), ${r.timers.toFixed(2)} Node timers set, per wait`
  )
}
