// CPU per message of the IMAP/POP3 proxies' spam check (the antispam client profile, no sockets):
// the classifier stage placed in the client engine directly (how the proxies ran before they
// followed reloads) against the gateway's `followingClassifier`, which holds the wiring in
// force and runs its stage. Both arms in one process on the same built packages, rounds
// interleaved (A B B A ...); each message is parsed as the scanner parses it (fromBytes per
// judgement). "off": no classifier stage at all against the following stage with the classifier
// off in the wiring in force.
// The gateway's module is TypeScript inside the app: esbuild bundles it (packages external) into
// a temporary file in apps/gateway, removed at the end.
// Run: npm run build && node bench/proxy-classifier.mjs [messages=3000] [rounds=9] [on,off]
import { realpathSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { loadavg } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Classifier, makeClientAntispam } from "../packages/antispam/dist/index.js"
import { Dns, Envelope, MessageModel } from "../packages/core/dist/index.js"
import { Effect } from "../packages/antispam/node_modules/effect/dist/index.js"

// esbuild is not a root dependency: use the copy tsup builds the packages with.
const tsup = realpathSync(fileURLToPath(new URL("../node_modules/tsup/package.json", import.meta.url)))
const { buildSync } = createRequire(tsup)("esbuild")
const MESSAGES = Number(process.argv[2] ?? 3000)
const ROUNDS = Number(process.argv[3] ?? 9)
const app = fileURLToPath(new URL("../apps/gateway/", import.meta.url))
const bundled = join(app, `.bench-proxy-classifier-${process.pid}.mjs`)
const out = buildSync({
  stdin: {
    contents:
      'export { classifierSource, followingClassifier } from "./src/ProxyClassifier.ts"\n' +
      'export { makeSwappableHandler } from "./src/reload/SwappableHandler.ts"\n' +
      'export { silent } from "./src/Log.ts"\n',
    resolveDir: app,
    loader: "ts"
  },
  bundle: true,
  format: "esm",
  platform: "node",
  packages: "external",
  // Not the app's tsconfig paths (packages' sources): the packages are the built ones, as above.
  tsconfigRaw: {},
  write: false
})
writeFileSync(bundled, out.outputFiles[0].text)
let gateway
try {
  gateway = await import(bundled)
} finally {
  rmSync(bundled)
}

const real = Classifier.setup({})
const wiring = (classifierStage) => ({
  settings: {},
  handler: { onData: async () => ({ code: 250, text: "ok" }) },
  classifierStage,
  close: async () => {}
})
const following = (stage) =>
  gateway.followingClassifier(
    gateway.classifierSource(gateway.makeSwappableHandler(wiring(stage), gateway.silent))
  )
const module = (stages) =>
  makeClientAntispam(
    { rbl: { servers: [] }, dnsbl: { servers: [] }, endUserBlocklist: { enabled: false } },
    { dns: Dns.makeStatic({}), stages, healthIntervalMillis: 0 }
  )
const arms = {
  on: { direct: module([real.stage]), following: module([following(real.stage)]) },
  off: { direct: module([]), following: module([following(undefined)]) }
}

const texts = Array.from({ length: 64 }, (_, i) =>
  new TextEncoder().encode(
    `Received: from mx${i}.sender.example (mx${i}.sender.example [192.0.2.${i * 3}]) by mx.provider.test; Tue, 1 Dec 2026 09:59:58 +0000\r\nFrom: a${i}@sender.example\r\nTo: user@provider.test\r\nSubject: offer ${i}\r\nMessage-ID: <${i}@sender.example>\r\n\r\n${i % 4 === 0 ? "Cheap pills, act now, limited offer, click here\r\n" : ""}${"Lorem ipsum dolor sit amet, see the minutes of the meeting.\r\n".repeat(40)}`
  )
)
const envelope = Envelope.make({ clientAddress: "127.0.0.1", localAddress: "127.0.0.1" })
const judgeAll = async (m, n) => {
  const classes = { ham: 0, spam: 0, unsure: 0 }
  for (let i = 0; i < n; i++) {
    const bytes = texts[i % texts.length]
    const message = MessageModel.fromBytes(bytes, { envelope, size: bytes.length })
    classes[(await Effect.runPromise(m.judge(message))).verdict.class]++
  }
  return classes
}
const cpuMicros = async (m) => {
  const before = process.cpuUsage()
  const classes = await judgeAll(m, MESSAGES)
  const used = process.cpuUsage(before)
  return { perMessage: (used.user + used.system) / MESSAGES, classes }
}

/** Timers set per judgement (stage deadlines): a count the machine's load does not move. */
const timersPerMessage = async (m, n) => {
  const original = globalThis.setTimeout
  let timers = 0
  globalThis.setTimeout = (...args) => {
    timers++
    return original(...args)
  }
  try {
    await judgeAll(m, n)
  } finally {
    globalThis.setTimeout = original
  }
  return timers / n
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const range = (xs) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`
console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`)
const chosen = (process.argv[4] ?? "on,off").split(",")
for (const [name, pair] of Object.entries(arms).filter(([n]) => chosen.includes(n))) {
  // Warm both arms (JIT, the classifier's caches) before measuring.
  await judgeAll(pair.direct, 500)
  await judgeAll(pair.following, 500)
  const direct = []
  const follow = []
  const ratios = []
  let classes
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ["direct", "following"] : ["following", "direct"]
    const got = {}
    for (const arm of order) got[arm] = await cpuMicros(pair[arm])
    if (JSON.stringify(got.direct.classes) !== JSON.stringify(got.following.classes))
      throw new Error(`verdicts differ: ${JSON.stringify(got)}`)
    classes = got.direct.classes
    direct.push(got.direct.perMessage)
    follow.push(got.following.perMessage)
    ratios.push(got.following.perMessage / got.direct.perMessage)
  }
  const timers = `timers/message direct ${await timersPerMessage(pair.direct, 500)}, following ${await timersPerMessage(pair.following, 500)}`
  console.log(
    `classifier ${name}: ${timers}; CPU µs/message direct ${median(direct).toFixed(2)} (${range(direct)}), following ${median(follow).toFixed(2)} (${range(follow)}); ratio median ×${median(ratios).toFixed(3)} (${range(ratios)}); verdicts identical in every round (last: ${JSON.stringify(classes)})`
  )
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`)
for (const pair of Object.values(arms)) for (const m of Object.values(pair)) await m.close()
await real.close()
