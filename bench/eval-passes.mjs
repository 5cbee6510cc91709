#!/usr/bin/env node
// How classification speed settles pass by pass over the evaluation split, as `mailmoat eval`
// runs it: messages parsed and decoded first, then whole passes over them. Prints each pass's
// messages per wall-clock second, per CPU-second of this process (every thread: V8 compiles on
// its own threads) and the ratio of CPU to wall time: above 1 while V8's compiler or collector
// threads work beside the main thread.
//
//   node bench/eval-passes.mjs [--corpus DIR] [--passes N] [--dist PATH/index.js] [--model FILE]
//
// Run it with `node --single-threaded` to see the same passes with everything on one thread.
// Needs `npx turbo run build --filter=@mailmoat/antispam`.
import { readFileSync } from "node:fs"
import { loadavg } from "node:os"
import { join } from "node:path"
import { corpusOrExit, loadClassifier, loadModelOption, opt, parseDecoded } from "./classifier-common.mjs"

const corpus = corpusOrExit()
const passes = Number(opt("passes", "8"))
const Classifier = await loadClassifier()
const model = loadModelOption(Classifier)
const files = ["ham", "spam"].flatMap((label) => Classifier.listFiles(join(corpus, "eval", label)))
const messages = files.map((f) => parseDecoded(Classifier, readFileSync(f)))
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
console.log(`${messages.length} messages, load average ${loadavg()[0].toFixed(1)}`)
let made = 0
for (let p = 1; p <= passes; p++) {
  const w0 = performance.now()
  const c0 = cpu()
  for (const m of messages) Classifier.classifyWith(model, m)
  const wall = (performance.now() - w0) / 1000
  const spent = cpu() - c0
  made += messages.length
  console.log(
    `pass ${p} (${made} classifications): ${(messages.length / wall).toFixed(0)} msg/s wall, ` +
      `${(messages.length / spent).toFixed(0)} per CPU-second, CPU/wall ${(spent / wall).toFixed(2)}`
  )
}
