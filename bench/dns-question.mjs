// The engine's CPU around one uncached DNS question, without c-ares or a socket: core's cache
// (`Dns.withCache`, memory store) over a resolver that answers NXDOMAIN one event-loop turn later
// (as a socket would), every name new. Two callers, as on the peer workload:
// - `effect`: a list lookup (`dns.lookup` in a fiber, concurrency --conc), the RBL/DNSBL and PTR path;
// - `promise`: what the sender check's resolver does for a question (MailauthResolver): a
//   promise per question, through the cache's callback form (`dns.query`) when the build has
//   one, else `Effect.runFork` of the lookup and an observer (the earlier resolver's path).
// Both builds are loaded in one process and run in alternated rounds (this checkout and
// `--base DIR`, a built `git worktree`); microseconds of process CPU (user + system) per
// question, and the ratio per round.
//
//   npm run build && node bench/dns-question.mjs [--base /tmp/mm-base] [--questions 20000] [--conc 20] [--rounds 6]
//
// `--wire` compares the two resolvers of this checkout instead, on the wire: the built-in one
// (`NodeDns` `resolver: "builtin"`) and Node's c-ares (`resolver: "system"`), each under core's
// cache, asking a loopback server in a child process (NXDOMAIN to every question, so its CPU is
// not counted here); the ratio is builtin / system.
//
//   npm run build && node bench/dns-question.mjs --wire [--questions 20000] [--conc 20] [--rounds 6]
//
// `--uncached` asks the resolvers without the cache, `dns.query` in a plain loop (no fiber, no
// promise): this checkout's built-in resolver, `--base DIR`'s built-in resolver, this
// checkout's c-ares and `--base DIR`'s, alternated; µs of process CPU per question (system time
// apart) and each one's ratio to this checkout's c-ares per round.
//
//   npm run build && node bench/dns-question.mjs --uncached [--base /tmp/mm-base] [--questions 20000] [--rounds 6]
import { spawn } from "node:child_process"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { nextTurnResolver } from "./next-turn-resolver.mjs"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const questions = Number(arg("questions", "20000"))
const conc = Number(arg("conc", "20"))
const rounds = Number(arg("rounds", "6"))

const uncached = process.argv.includes("--uncached")
const wire = uncached || process.argv.includes("--wire")

/** The loopback NXDOMAIN server in a child process; resolves with its `host:port` and the child. */
const startServer = () =>
  new Promise((res, rej) => {
    const url = pathToFileURL(join(here, "test/support/loopback-resolver.mjs")).href
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { startLoopbackResolver } = await import(${JSON.stringify(url)}); const r = await startLoopbackResolver(); console.log(r.server)`
      ],
      { stdio: ["ignore", "pipe", "inherit"] }
    )
    child.stdout.once("data", (d) => res({ server: String(d).trim(), child }))
    child.once("error", rej)
  })
const server = wire ? await startServer() : undefined

/** The `--uncached` loop: each resolver asked `questions` new names, `conc` at a time. */
const runUncached = async () => {
  const base = resolve(arg("base", "/tmp/mm-base"))
  const resolvers = []
  for (const [label, root, kind] of [
    ["builtin", here, "builtin"],
    ["base-builtin", base, "builtin"],
    ["c-ares", here, "system"],
    ["base-c-ares", base, "system"]
  ]) {
    const { NodeDns } = await import(
      `${pathToFileURL(join(root, "packages/platform-node/dist/index.js")).href}?${label}`
    )
    resolvers.push({ label, dns: NodeDns.makeUncached({ servers: [server.server], resolver: kind }) })
  }
  let serial = 0
  const ask = (dns) =>
    new Promise((done, fail) => {
      const tag = serial++
      let next = 0
      let out = 0
      const one = () => {
        if (next >= questions) {
          if (out === 0) done()
          return
        }
        const i = next++
        out++
        dns.query("TXT", `${tag}-${i}.uncached.test`, 2000, Date.now(), (exit) => {
          out--
          if (exit._tag !== "Success") fail(new Error(`unexpected failure: ${JSON.stringify(exit)}`))
          else one()
        })
      }
      for (let c = 0; c < conc; c++) one()
    })
  const measure = async (r) => {
    const before = process.cpuUsage()
    await ask(r.dns)
    const used = process.cpuUsage(before)
    return { total: (used.user + used.system) / questions, system: used.system / questions }
  }
  for (const r of resolvers) await measure(r)
  const ratios = Object.fromEntries(resolvers.map((r) => [r.label, []]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? resolvers : [...resolvers].reverse()
    const us = {}
    for (const r of order) us[r.label] = await measure(r)
    for (const r of resolvers) ratios[r.label].push(us[r.label].total / us["c-ares"].total)
    console.log(
      `round ${round + 1}: ${resolvers.map((r) => `${r.label} ${us[r.label].total.toFixed(1)} (system ${us[r.label].system.toFixed(1)})`).join(", ")} us/question`
    )
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  for (const r of resolvers.filter((r) => r.label !== "c-ares"))
    console.log(
      `${r.label} / c-ares: median x${median(ratios[r.label]).toFixed(2)} (${Math.min(...ratios[r.label]).toFixed(2)}-${Math.max(...ratios[r.label]).toFixed(2)})`
    )
  for (const r of resolvers) r.dns.close?.()
  server.child.kill()
}
if (uncached) {
  await runUncached()
  process.exit(0)
}

/** The resolver a build is measured with: one turn later (no socket), or one of this checkout's on the wire. */
const innerOf = async (root, resolverKind, libs) => {
  if (resolverKind === undefined) return nextTurnResolver(libs)
  const { NodeDns } = await import(pathToFileURL(join(root, "packages/platform-node/dist/index.js")).href)
  return NodeDns.makeUncached({ servers: [server.server], resolver: resolverKind })
}

const load = async (label, root, resolverKind) => {
  const { Dns } = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href)
  const { Effect, Exit } = await import(
    pathToFileURL(join(root, "packages/core/node_modules/effect/dist/index.js")).href
  )
  const inner = await innerOf(root, resolverKind, { Dns, Effect, Exit })
  const dns = Dns.withCache(inner)
  const options = { timeoutMillis: 2000 }
  const viaEffect = (names) =>
    Effect.runPromise(
      Effect.forEach(names, (name) => dns.lookup("A", name, options), { concurrency: conc, discard: true })
    )
  const ask =
    dns.query !== undefined
      ? (name) => new Promise((res) => dns.query("TXT", name, 2000, Date.now(), res))
      : (name) =>
          new Promise((res) => {
            const fiber = Effect.runFork(Dns.lookup(dns, "TXT", name, options))
            const done = fiber.pollUnsafe()
            if (done !== undefined) res(done)
            else fiber.addObserver(res)
          })
  const viaPromise = async (names) => {
    let next = 0
    const worker = async () => {
      while (next < names.length) {
        const exit = await ask(names[next++])
        if (exit._tag !== "Success") throw new Error(`unexpected failure: ${JSON.stringify(exit)}`)
      }
    }
    await Promise.all(Array.from({ length: conc }, worker))
  }
  return { label, callbackForm: dns.query !== undefined, effect: viaEffect, promise: viaPromise }
}

const builds = wire
  ? [await load("this", here, "builtin"), await load("base", here, "system")]
  : [await load("this", here), await load("base", resolve(arg("base", "/tmp/mm-base")))]
if (wire) console.log(`on the wire, ${server.server}: "this" is the built-in resolver, "base" c-ares`)
let serial = 0
const measure = async (build, kind) => {
  const names = Array.from({ length: questions }, (_, i) => `${serial}-${i}.${kind}.${build.label}.test`)
  serial++
  const before = process.cpuUsage()
  await build[kind](names)
  const used = process.cpuUsage(before)
  return (used.user + used.system) / questions
}

for (const b of builds) {
  // Warm-up: both paths compiled before the first measured round.
  await measure(b, "effect")
  await measure(b, "promise")
}
console.log(`builds: ${builds.map((b) => `${b.label} (callback form: ${b.callbackForm})`).join(", ")}`)
const ratios = { effect: [], promise: [] }
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse()
  for (const kind of ["effect", "promise"]) {
    const us = {}
    for (const b of order) us[b.label] = await measure(b, kind)
    const ratio = us.this / us.base
    ratios[kind].push(ratio)
    console.log(
      `round ${r + 1} ${kind.padEnd(7)} this ${us.this.toFixed(1)} us/question, base ${us.base.toFixed(1)}: x${ratio.toFixed(2)}`
    )
  }
}
server?.child.kill()
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const kind of ["effect", "promise"])
  console.log(
    `${kind}: median x${median(ratios[kind]).toFixed(2)} (${Math.min(...ratios[kind]).toFixed(2)}-${Math.max(...ratios[kind]).toFixed(2)})`
  )
