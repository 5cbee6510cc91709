// A preload for a gateway process: `node --import ./tiering-probe.mjs main.js`. On SIGUSR2 (once
// the gateway has started, so after main.ts set its own V8 flags) it makes a fresh small function,
// calls it 50 times at a go until V8 has marked it for TurboFan or optimised it, and writes how
// many calls that took to the file named by MM_TIER_OUT: V8 11.3 does so at the first look at
// the function's feedback, once it has run through the interrupt budget, so the count is
// proportional to the budget in force (7,550 calls at V8's 67,584, 1,900 at a quarter of it).
import { renameSync, writeFileSync } from "node:fs"
import * as v8 from "node:v8"

const out = process.env.MM_TIER_OUT
if (out !== undefined)
  process.on("SIGUSR2", () => {
    v8.setFlagsFromString("--allow-natives-syntax")
    const status = new Function("f", "return %GetOptimizationStatus(f)")
    const probe = new Function("return function probe(x) { return x * 2 + 1 }")()
    // V8's optimisation status bits: optimised, marked for optimisation (either mode), optimising.
    const tiered = (1 << 4) | (1 << 8) | (1 << 9) | (1 << 10)
    let calls = 0
    let sum = 0
    while ((status(probe) & tiered) === 0 && calls < 1_000_000) {
      for (let i = 0; i < 50; i++) sum += probe(i)
      calls += 50
    }
    writeFileSync(`${out}.tmp`, JSON.stringify({ calls, sum }))
    renameSync(`${out}.tmp`, out)
  })
