#!/usr/bin/env node
// How long two builds take to parse one model file (ModelFile.parse through Classifier.parseModel),
// alternating in one process so both see the same machine load. Prints the median of each and
// the ratio A / B. The build imported first tends to measure slower: run again with A and B
// swapped and compare the two ratios (docs/classifier.md, "A model trained for another build").
//
//   node bench/model-parse-ab.mjs <worktree A> <worktree B> <model file> [runs]
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"

const [a, b, file, runsArg] = process.argv.slice(2)
if (!a || !b || !file) {
  console.error("usage: node bench/model-parse-ab.mjs <worktree A> <worktree B> <model file> [runs]")
  process.exit(2)
}
const runs = Number(runsArg ?? 60)
const load = async (dir) =>
  (await import(pathToFileURL(resolve(dir, "packages/antispam/dist/index.js")).href)).Classifier
const A = await load(a)
const B = await load(b)
const bytes = readFileSync(file)
const time = (C) => {
  const t = process.hrtime.bigint()
  C.parseModel(bytes)
  return Number(process.hrtime.bigint() - t) / 1e6
}
for (let i = 0; i < 3; i++) {
  time(A)
  time(B)
}
const ta = []
const tb = []
for (let i = 0; i < runs; i++) {
  // Alternate which build goes first within a pair, so neither always runs after the other's garbage.
  if (i % 2) {
    ta.push(time(A))
    tb.push(time(B))
  } else {
    tb.push(time(B))
    ta.push(time(A))
  }
}
const median = (x) => [...x].sort((p, q) => p - q)[x.length >> 1]
console.log(
  `median parse ms: A ${median(ta).toFixed(1)}, B ${median(tb).toFixed(1)}, A/B ${(median(ta) / median(tb)).toFixed(3)} (${runs} each)`
)
