#!/usr/bin/env node
// What a model's first score costs: its clue index is built then (once per model load or update).
// In one process of one build: warm the tokenizer and scoring with one parsed copy of the model,
// then, per run, parse a fresh copy (so nothing is cached for it) and time its first
// classification (index build + one message) and a second one (the message alone); the heap and
// ArrayBuffers after a full collection before and after, and the heap right after the first
// classification, before any collection (what the build left as garbage on top). Prints medians.
// Run it for each build alternately (`--dist`), in one sitting.
//
//   node --expose-gc bench/classifier-clue-build.mjs [--dist OTHER/packages/antispam/dist/index.js]
//                                                    [--model FILE] [--runs N]
import { readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { corpusDir, loadClassifier, opt, root } from "./classifier-common.mjs"

if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc")
  process.exit(2)
}
const C = await loadClassifier()
const bytes = readFileSync(resolve(opt("model", join(root, "packages/antispam/model/mailmoat-classifier.model.gz"))))
const runs = Number(opt("runs", 7))
const files = C.listFiles(join(corpusDir(), "eval", "ham")).slice(0, 50)
const messages = files.map((f) => C.parseMessage(readFileSync(f)))

const warm = C.parseModel(bytes)
for (let i = 0; i < 5; i++) for (const m of messages) C.classifyWith(warm, m)

const mb = (n) => n / 1048576
const usage = () => {
  const u = process.memoryUsage()
  return { heap: u.heapUsed, buffers: u.arrayBuffers }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const first = []
const second = []
const kept = []
const garbage = []
const keep = []
for (let r = 0; r < runs; r++) {
  const model = C.parseModel(bytes)
  globalThis.gc()
  const before = usage()
  let t = process.hrtime.bigint()
  C.classifyWith(model, messages[r % messages.length])
  first.push(Number(process.hrtime.bigint() - t) / 1e6)
  const right = usage()
  t = process.hrtime.bigint()
  C.classifyWith(model, messages[(r + 1) % messages.length])
  second.push(Number(process.hrtime.bigint() - t) / 1e6)
  globalThis.gc()
  const after = usage()
  kept.push(mb(after.heap - before.heap + after.buffers - before.buffers))
  garbage.push(mb(right.heap - after.heap))
  keep.push(model) // kept alive so the collection above cannot take the model and its index
  if (keep.length > 2) keep.shift()
}
console.log(
  `first score ${median(first).toFixed(1)} ms (second ${median(second).toFixed(2)} ms); ` +
    `kept ${median(kept).toFixed(2)} MB (heap + ArrayBuffers); garbage left by the first score ` +
    `${median(garbage).toFixed(2)} MB; ${runs} runs`
)
