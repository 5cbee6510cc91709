#!/usr/bin/env node
// Classification speed on one core: tokenize + score of messages already parsed and decoded
// (the gateway parses once for every stage), after a warm-up, over the corpus's eval/ and
// train/ messages. Prints messages per wall-clock second and per CPU-second of this process,
// and the machine's load average: on a shared machine wall time also counts waiting for a CPU.
//
//   node bench/classifier-throughput.mjs [--corpus DIR] [--rounds N] [--dist PATH/index.js] [--model FILE]
//                                        [--against PATH/index.js [--against-model FILE]] [--store] [--peers]
//
// --dist measures another build of @mailmoat/antispam (say, of an older commit).
// --against measures this build and another one in the same process, alternating batches of 250
// messages between them, so both see the same machine load; it prints both rates and their ratio.
// --against-model FILE gives the other build its own model (a model with inputs that build does not
// compute is refused by it); without it both load --model or the shipped one.
// --store classifies as the gateway does: through a classifier (`make`) with an empty memory store
// of learned counts (the gateway's default), awaiting each message, instead of `classifyWith`.
// --peers classifies the peer workload's messages (../shared/peers-bench) instead of the corpus.
// Needs `npx turbo run build --filter=@mailmoat/antispam`.
import { cpus, loadavg } from "node:os"
import { resolve } from "node:path"
import {
  args,
  corpusDir,
  loadClassifier,
  loadModelOption,
  opt,
  parseDecoded,
  peerMessages,
  readCorpus
} from "./classifier-common.mjs"

const corpus = corpusDir()
const rounds = Number(opt("rounds", "3"))
const Classifier = await loadClassifier()
const model = loadModelOption(Classifier)

const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const messages = args.includes("--peers") ? peerMessages().map((m) => m.bytes) : readCorpus(Classifier, corpus)
const viaStore = args.includes("--store")
/** Classifies `messages` with build `C` and its model: `classifyWith`, or as the gateway does. */
const classifierOf = (C, mdl) => {
  if (!viaStore) return { each: (ms) => ms.forEach((m) => C.classifyWith(mdl, m)) }
  const classifier = C.make({ model: mdl, store: C.makeMemoryTokenStore() })
  return {
    each: async (ms) => {
      for (const m of ms) await classifier.classify(m)
    }
  }
}
let c0 = cpu()
let w0 = performance.now()
const parsed = messages.map((b) => parseDecoded(Classifier, b))
const parse = { wall: messages.length / ((performance.now() - w0) / 1000), cpu: messages.length / (cpu() - c0) }
const mine = classifierOf(Classifier, model)
await mine.each(parsed.slice(0, 500))
const against = opt("against", undefined)
if (against !== undefined) {
  const Other = (await import(resolve(against))).Classifier
  const otherModelPath = opt("against-model", undefined)
  const otherModel = otherModelPath === undefined ? loadModelOption(Other) : Other.loadModel(resolve(otherModelPath))
  const theirs = classifierOf(Other, otherModel)
  await theirs.each(parsed.slice(0, 500))
  const spent = { this: 0, other: 0 }
  // Each pair of batches (the same messages, one build after the other) gives a ratio of its
  // own: their median is less moved by a burst of load on a shared machine than the sums are.
  const pairs = []
  const batch = async (build, from) => {
    const c = cpu()
    await build.each(parsed.slice(from, from + 250))
    return cpu() - c
  }
  const load0 = loadavg()[0]
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < parsed.length; i += 250) {
      // Alternate which build goes first, so neither always runs on a warmer cache.
      let a
      let b
      if ((i / 250) % 2 === 0) {
        a = await batch(mine, i)
        b = await batch(theirs, i)
      } else {
        b = await batch(theirs, i)
        a = await batch(mine, i)
      }
      spent.this += a
      spent.other += b
      pairs.push(b / a)
    }
  const n = rounds * parsed.length
  pairs.sort((a, b) => a - b)
  const at = (q) => pairs[Math.min(pairs.length - 1, Math.floor(q * pairs.length))].toFixed(2)
  console.log(
    `${n} classifications each: this build ${(n / spent.this).toFixed(0)}, --against ${(n / spent.other).toFixed(0)} msg per CPU-second (ratio ${(spent.other / spent.this).toFixed(2)}; per batch pair median ${at(0.5)}, quartiles ${at(0.25)}-${at(0.75)}); load average ${load0.toFixed(1)} on ${cpus().length} cores`
  )
  process.exit(0)
}
const load = loadavg()[0]
c0 = cpu()
w0 = performance.now()
for (let r = 0; r < rounds; r++) await mine.each(parsed)
const n = rounds * parsed.length
const wall = n / ((performance.now() - w0) / 1000)
const perCpu = n / (cpu() - c0)
console.log(
  `${n} classifications: ${wall.toFixed(0)} msg/s wall, ${perCpu.toFixed(0)} msg per CPU-second (parse + MIME decoding: ${parse.wall.toFixed(0)} msg/s wall, ${parse.cpu.toFixed(0)} per CPU-second); load average ${load.toFixed(1)} on ${cpus().length} cores`
)
