#!/usr/bin/env node
// Whether a V8 tiering flag works when a running process sets it (`v8.setFlagsFromString` before
// the code it is meant for has run, the way apps/gateway/src/HeapTuning.ts sets its flags), and
// what it does to V8's compilers, next to the same flag on node's command line and to no flag: a
// child process runs generated code shaped like the gateway's (300 functions, each calling a few
// helpers of 20-200 bytecodes over objects of three shapes) for a fixed number of rounds with
// `--trace-opt` on its command line (its output to a file: V8 prints with C's stdio, which drops
// lines a full pipe refuses), and prints the optimising jobs by tier (TurboFan; Maglev too on Node
// 22 and later) and their compile ms (bench/compile-time.mjs reads them; wall time, so noisy), its CPU by thread (Linux's /proc: the main thread, then the rest) and how
// it exited (a V8 fatal error's check is printed). Identical figures for `runtime` and `cmdline`
// say V8 reads the flag where it uses it; a flag read only when the isolate is set up shows as
// `runtime` equal to `none`, and one that breaks V8 as a signal.
//
//   node bench/jit-flags.mjs [--rounds 3] -- --max-inlined-bytecode-size-cumulative=460 ...
//
// The CPU figures are of one small synthetic load on a shared machine: a check, not a measure of
// the gateway (bench/first-run.mjs measures that).
import { spawnSync } from "node:child_process"
import { closeSync, openSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { compileSegments, segmentSummary } from "./compile-time.mjs"
import { benchTempDir } from "./temp-dir.mjs"
import { threadCpuMs } from "./own-thread-cpu.mjs"

const child = () => {
  const v8 = require("node:v8")
  for (const flag of JSON.parse(process.argv[process.argv.length - 1])) v8.setFlagsFromString(flag)
  // Helpers of growing size, and callers that use several of them: what the inliner weighs.
  const helpers = []
  for (let h = 0; h < 40; h++) {
    const body = Array.from(
      { length: 1 + (h % 8) * 3 },
      (_, k) => `if (o.k${k % 5} === ${k}) s += o.v * ${k + h}; else s ^= o.w.length + ${k};`
    )
    helpers.push(new Function("o", `let s = ${h}; ${body.join(" ")} return s`))
  }
  const callers = []
  for (let c = 0; c < 300; c++) {
    const uses = [c % 40, (c * 7) % 40, (c * 13) % 40, (c * 29) % 40]
    callers.push(
      new Function(
        "hs",
        "xs",
        `let t = 0; for (let i = 0; i < xs.length; i++) { const o = xs[i]; ${uses.map((u) => `t += hs[${u}](o);`).join(" ")} } return t`
      )
    )
  }
  const shapes = [
    (i) => ({ k0: i % 3, k1: 1, k2: 2, k3: 3, k4: 4, v: i, w: "abc" }),
    (i) => ({ k0: 0, k1: i % 5, k2: 2, k3: 3, k4: 4, v: i, w: "abcdef", x: 1 }),
    (i) => ({ w: "ab", v: i, k4: 4, k3: i % 7, k2: 2, k1: 1, k0: 0 })
  ]
  const xs = Array.from({ length: 64 }, (_, i) => shapes[i % 3](i))
  let total = 0
  const rounds = Number(process.argv[process.argv.length - 2])
  for (let r = 0; r < rounds; r++) for (let n = 0; n < 400; n++) for (const f of callers) total += f(helpers, xs)
  const ticks = threadCpuMs()
  console.log(
    `result ${JSON.stringify({ total, mainMs: ticks[0], otherMs: ticks.slice(1).reduce((a, b) => a + b, 0) })}`
  )
}

const run = (where, flags, rounds) => {
  const out = join(benchTempDir("mailmoat-jit-flags-"), "child.out")
  const fd = openSync(out, "w")
  const r = spawnSync(
    process.execPath,
    [
      "--trace-opt",
      ...(where === "cmdline" ? flags : []),
      "--input-type=commonjs",
      "-e",
      `const threadCpuMs = ${threadCpuMs}; (${child})()`,
      String(rounds),
      JSON.stringify(where === "runtime" ? flags : [])
    ],
    { stdio: ["ignore", fd, fd] }
  )
  closeSync(fd)
  const text = readFileSync(out, "utf8")
  const fatal = /Fatal error[^\n]*\n#\s*([^\n]+)/.exec(text)
  const result = /^result (.*)$/m.exec(text)
  const s = segmentSummary(compileSegments(text)[0].jobs, (j) => ({ name: j.name, at: undefined }))
  return {
    where,
    status: r.status,
    signal: r.signal,
    fatal: fatal ? fatal[1] : null,
    ...(result ? JSON.parse(result[1]) : {}),
    jobs: s.tiers,
    compileMs: Math.round(s.prepareMs + s.executeMs + s.finalizeMs)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dash = process.argv.indexOf("--")
  const flags = dash < 0 ? [] : process.argv.slice(dash + 1)
  const i = process.argv.indexOf("--rounds")
  const rounds = i > 0 && (dash < 0 || i < dash) ? Number(process.argv[i + 1]) : 3
  for (const where of ["none", "runtime", "cmdline"])
    console.log(JSON.stringify({ flags, ...run(where, where === "none" ? [] : flags, rounds) }))
}
