#!/usr/bin/env node
// What a loaded classifier model holds on the heap, and how long it takes to load: the live heap
// after a full collection with the model held, against before loading it, the median of N loads
// (each in a fresh slot, the previous one dropped first).
//
//   node --expose-gc bench/model-heap.mjs [--dist PATH/index.js] [--model FILE] [--rounds N]
//
// --dist measures another build of @mailmoat/antispam (say, of an older commit) with its own
// shipped model unless --model says otherwise. Needs `npx turbo run build --filter=@mailmoat/antispam`.
import { dirname, join, resolve } from "node:path"
import { opt } from "./classifier-common.mjs"

if (typeof globalThis.gc !== "function") {
  console.error("run with --expose-gc")
  process.exit(2)
}
const dist = resolve(opt("dist", join(import.meta.dirname, "../packages/antispam/dist/index.js")))
const model = resolve(opt("model", join(dirname(dist), "../model/mailmoat-classifier.model.gz")))
const rounds = Number(opt("rounds", "5"))
const { Classifier } = await import(dist)

const heapAfterGc = () => {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

const retained = []
const loadMs = []
let kept = null
for (let i = 0; i < rounds; i++) {
  kept = null
  const before = heapAfterGc()
  const t0 = performance.now()
  kept = Classifier.loadModel(model)
  loadMs.push(performance.now() - t0)
  retained.push(heapAfterGc() - before)
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(
  `model ${model}: ${kept.tokens.size} tokens, live heap held ${(median(retained) / 1e6).toFixed(2)} MB, ` +
    `load ${median(loadMs).toFixed(1)} ms (medians of ${rounds})`
)
