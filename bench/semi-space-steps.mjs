#!/usr/bin/env node
// The sizes V8's young generation passes through under a churn of short-lived objects, for the
// node flags it is started with: which `--max-semi-space-size` values a runtime really uses.
//
//   node --max-semi-space-size=12 bench/semi-space-steps.mjs   # Node 20: 2, 4, 8, 16, 32 MB
//   node bench/semi-space-steps.mjs --growth-factor 3          # the factor set at run time
//
// Prints `new_space` (both semi-spaces, MB) each time a collection finds it changed.
import { PerformanceObserver } from "node:perf_hooks"
import * as v8 from "node:v8"

const i = process.argv.indexOf("--growth-factor")
if (i > 0) v8.setFlagsFromString(`--semi-space-growth-factor=${process.argv[i + 1]}`)
const newSpaceMb = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size / 1048576
const sizes = []
new PerformanceObserver(() => {
  const mb = newSpaceMb()
  if (sizes.at(-1) !== mb) sizes.push(mb)
}).observe({ entryTypes: ["gc"] })
let kept = []
for (let round = 0; round < 400; round++) {
  for (let n = 0; n < 5_000; n++) {
    kept.push(new Array(8).fill(n))
    if (kept.length > 30_000) kept = []
  }
  await new Promise((resolve) => setImmediate(resolve))
}
console.log(`node ${process.execArgv.join(" ")}: new space ${sizes.join(", ")} MB`)
