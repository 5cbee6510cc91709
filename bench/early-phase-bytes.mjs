// Bytes allocated per connect or MAIL phase of the engine, run as the gateway's runner runs them
// (built with the runner's clock lent to it, `FiberClock.lend`, on a build that has it; then the
// `Exit` itself when the phase is finished, else a fiber polled at once), with the server
// module's defaults (the allowed-IPs and session-bypass checks). Sampled allocation profile,
// collected objects included, after 20,000 phases of warm-up; compare two builds:
//
//   node bench/early-phase-bytes.mjs CHECKOUT connect|mail
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
const root = resolve(process.argv[2])
const load = (p) => import(pathToFileURL(join(root, p)).href)
const { makeServerAntispam } = await load("packages/antispam/dist/index.js")
const { Envelope, Facts, Dns, FiberClock } = await load("packages/core/dist/index.js")
const { Clock, Effect, Exit } = await load("packages/antispam/node_modules/effect/dist/index.js")
const clock = Clock.Clock.defaultValue()
const lend = FiberClock?.lend === undefined ? (build) => build() : (build) => FiberClock.lend(clock, build)
const antispam = makeServerAntispam(
  { enabled: true },
  { dns: Dns.makeStatic({}), healthIntervalMillis: 0, authservId: "gw" }
)
const engine = antispam.engine
const run = (e) => (Exit.isExit(e) ? e.value : Effect.runFork(e).pollUnsafe().value)
const env = Envelope.make({
  clientAddress: "127.0.0.1",
  helo: "c.example",
  mailFrom: "a@c.example",
  tls: false,
  sessionFlags: new Set()
})
const phase = process.argv[3]
const once = () =>
  run(lend(() => (phase === "connect" ? engine.connect(env, Facts.make()) : engine.mail(env, Facts.make()))))
for (let i = 0; i < 20000; i++) once()
const { Session } = await import("node:inspector/promises")
const s = new Session()
s.connect()
await s.post("HeapProfiler.startSampling", {
  samplingInterval: 512,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true
})
const n = 100000
for (let i = 0; i < n; i++) once()
const { profile } = await s.post("HeapProfiler.stopSampling")
const bytes = (node) => node.selfSize + node.children.reduce((a, c) => a + bytes(c), 0)
console.log(`${phase} ${root}: ${(bytes(profile.head) / n).toFixed(0)} B per phase`)
await antispam.close()
process.exit(0)
