// The pipeline's CPU around a data phase whose stages wait, as a new sender's do on the peer
// workload's replay run: an order-1 group of four stages that each wait once (an answer one
// event-loop turn later, as a socket would give it) and an order-2 stage that waits twice, each
// with its budget and the phase under one deadline, no stage doing any work of its own. What is
// measured is the pipeline and its deadlines (`Pipeline.runPhase`, `Deadline`): the fibers, the
// waits, the timers and the traces. Both builds are loaded in one process and run in alternated
// rounds (this checkout and `--base DIR`, a built `git worktree`); microseconds of process CPU
// (user + system) per phase, the ratio per round, and the bytes allocated per phase (sampled).
//
//   npm run build && node bench/engine-group.mjs [--base /tmp/mm-base] [--phases 20000] [--conc 20] [--rounds 6]
import { Session } from "node:inspector/promises"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const phases = Number(arg("phases", "20000"))
const conc = Number(arg("conc", "20"))
const rounds = Number(arg("rounds", "6"))

const load = async (label, root) => {
  const { Pipeline } = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href)
  const { Effect } = await import(pathToFileURL(join(root, "packages/core/node_modules/effect/dist/index.js")).href)
  // One wait: an answer on the next turn of the loop, cancelled if the stage is interrupted.
  const turn = Effect.callback((resume) => {
    const t = setImmediate(() => resume(Effect.void))
    return Effect.sync(() => clearImmediate(t))
  })
  const stage = (name, order, waits) => ({
    name,
    phase: "data",
    order,
    budgetMillis: 2000,
    symbols: {},
    run: () =>
      Effect.gen(function* () {
        for (let i = 0; i < waits; i++) yield* turn
        return { symbols: [], facts: { name } }
      })
  })
  const stages = [
    stage("rbl", 1, 1),
    stage("dnsbl", 1, 1),
    stage("auth", 1, 1),
    stage("classifier", 1, 1),
    stage("enduser", 2, 2)
  ]
  const message = { envelope: { rcptTo: ["user@example.net"] } }
  const phase = () =>
    Effect.runPromise(
      Pipeline.runPhase(
        stages,
        { phase: "data", message, recipients: ["user@example.net"] },
        { deadlineMillis: 10_000 }
      )
    )
  return { label, phase }
}

const builds = [await load("this", here), await load("base", resolve(arg("base", "/tmp/mm-base")))]
const measure = async (build) => {
  let next = 0
  const runs = []
  const before = process.cpuUsage()
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < phases) runs[next++] = await build.phase()
    })
  )
  const used = process.cpuUsage(before)
  if (runs.some((r) => r.runs.length !== 5 || r.runs.some((s) => s.trace.outcome !== "ok")))
    throw new Error("unexpected phase run")
  return { us: (used.user + used.system) / phases, sample: runs[0] }
}

// Warm-up: both builds compiled before the first measured round; the traces must agree (times aside).
const strip = (run) => JSON.stringify(run, (k, v) => (k === "millis" ? 0 : v))
const warm = []
for (const b of builds) warm.push(strip((await measure(b)).sample))
if (warm[0] !== warm[1]) throw new Error(`runs differ:\n${warm[0]}\n${warm[1]}`)

// Bytes per phase, each build alone (sampled, collected objects included).
const session = new Session()
session.connect()
const bytes = (node) => node.selfSize + node.children.reduce((n, c) => n + bytes(c), 0)
for (const b of builds) {
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true
  })
  await measure(b)
  const { profile } = await session.post("HeapProfiler.stopSampling")
  console.log(`${b.label}: ${(bytes(profile.head) / phases / 1024).toFixed(2)} KB allocated per phase (sampled)`)
}

const ratios = []
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse()
  const us = {}
  for (const b of order) us[b.label] = (await measure(b)).us
  const ratio = us.this / us.base
  ratios.push(ratio)
  console.log(`round ${r + 1} this ${us.this.toFixed(1)} us/phase, base ${us.base.toFixed(1)}: x${ratio.toFixed(2)}`)
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(
  `median x${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`
)
