#!/usr/bin/env node
// What TurboFan's compilations took in a gateway's life, segment by segment: V8's `--trace-opt`
// prints, for every optimised compilation, `[completed compiling 0x… <JSFunction NAME (sfi =
// 0x…)> (target TURBOFAN)[ OSR] - took A, B, C ms]` (Node 20, V8 11.3), A being the job's prepare
// phase and C its finalize phase (both on the main thread: building the job, then installing the
// code and its dependencies) and B its execute phase (graph building, optimisation and code
// generation: on a V8 worker for a concurrent job, on the main thread for a synchronous one,
// `mode: ConcurrencyMode::kSynchronous` in its `compiling method` line; bench/trace-opt-lines.mjs
// reads the lines, Node 24's `TURBOFAN_JS` and `MAGLEV` too). This sums them per
// segment (cut where bench/jit-mark.mjs printed `jit-mark N`), ranks functions by their compile
// ms and groups them by owner: our packages by module, Node's own modules, the dependencies.
//
//   GW_NODE_FLAGS=--trace-opt node bench/first-run.mjs --checkouts here --pairs 1 --jit DIR
//   node bench/compile-time.mjs DIR/here.p1.out [DIR/here.p1.log] [--segment 1] [--top 30] [--json]
//
// The V8 log beside it (`--log-code`, what `--jit` adds) names where each function is: its
// `code-creation` lines give a function's shared info address with its file, line and column,
// mapped through the bundles' source maps (bench/jit-log.mjs); without it functions are grouped
// by name alone. The times are V8's own clock readings around each phase, so wall time: a thread
// that waits for a core counts the wait, and on a loaded machine the sums overstate the CPU
// (read them against the process's own counters, which bench/first-run.mjs prints).
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { sourceOf } from "./jit-log.mjs"
import { traceEvent } from "./trace-opt-lines.mjs"

// A job run on the main thread from start to end (its execute phase too).
const SYNCHRONOUS =
  /^\[compiling method 0x[0-9a-f]+ <JSFunction (?:.* )?\(sfi = (0x[0-9a-f]+)\)>.*mode: ConcurrencyMode::kSynchronous/

/**
 * The shared-function-info addresses of a V8 log, each with the functions (`name file:line:col`)
 * logged at it: `code-creation,JS,kind,time,code,size,NAME LOCATION,SFI,state`. V8's trace prints
 * the tagged address (the log's + 1).
 */
export const functionsBySfi = (logText) => {
  const bySfi = new Map()
  for (const line of logText.split("\n")) {
    if (!line.startsWith("code-creation,JS,")) continue
    const f = line.split(",")
    if (!/^0x[0-9a-f]+$/.test(f[7] ?? "")) continue
    const tagged = `0x${(BigInt(f[7]) + 1n).toString(16)}`
    const keys = bySfi.get(tagged) ?? new Set()
    keys.add(f[6])
    bySfi.set(tagged, keys)
  }
  return bySfi
}

/** `name file:line:col` -> `{ name, at }`, `at` mapped to src/ where a source map says. */
const located = (key) => {
  const i = key.lastIndexOf(" ")
  return { name: key.slice(0, i).trim(), at: sourceOf(key.slice(i + 1)) }
}

/**
 * Who a source location belongs to: `core/engine` (our package and its top folder under src),
 * `node:streams`, `node:net`, ... (Node's own modules), or a dependency's package name.
 */
export const ownerOf = (at) => {
  if (at === undefined) return "(not located)"
  const ours = /^(?:packages|apps)\/([^/]+)\/src\/(?:([^/]+)\/)?/.exec(at)
  if (ours !== null) return ours[2] === undefined ? ours[1] : `${ours[1]}/${ours[2]}`
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(at)
  if (dep !== null) return dep[1]
  const node = /^node:(?:internal\/)?([^/:]+)(?:\/([^/:]+))?/.exec(at)
  if (node !== null) {
    if (node[1] === "streams" || node[1] === "stream") return "node:streams"
    if (node[1] === "process" && node[2] === "task_queues") return "node:task_queues"
    return `node:${node[1]}`
  }
  return at.replace(/:\d+(?::\d+)?$/, "")
}

/**
 * The compilations of a `--trace-opt` output, per segment: `[{ jobs: [{ tier, name, sfi, osr,
 * sync, prepare, execute, finalize }] }]` (tier: TurboFan, or Maglev on Node 22 and later).
 */
export const compileSegments = (outText) => {
  const segments = [{ jobs: [] }]
  const synchronous = new Set()
  for (const line of outText.split("\n")) {
    if (/^jit-mark \d+$/.test(line)) {
      segments.push({ jobs: [] })
      continue
    }
    const sync = SYNCHRONOUS.exec(line)
    if (sync !== null) synchronous.add(sync[1])
    const event = traceEvent(line)
    if (event?.kind !== "compiled") continue
    const { tier, name, sfi, osr, prepare, execute, finalize } = event
    segments[segments.length - 1].jobs.push({
      tier,
      name: name ?? "",
      sfi: sfi ?? "?",
      osr,
      sync: synchronous.delete(sfi),
      prepare,
      execute,
      finalize
    })
  }
  return segments
}

/** Where a job's function is: its log entry of the same name at its address, else the only one of that name. */
const locator = (bySfi) => {
  const byName = new Map()
  for (const keys of bySfi.values())
    for (const key of keys) {
      const { name } = located(key)
      const all = byName.get(name) ?? new Set()
      all.add(key)
      byName.set(name, all)
    }
  return (job) => {
    const here = [...(bySfi.get(job.sfi) ?? [])].filter((k) => located(k).name === job.name)
    if (here.length > 0) return located(here[0])
    const named = byName.get(job.name)
    return named?.size === 1 ? located([...named][0]) : { name: job.name, at: undefined }
  }
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0)

/** One segment's totals, its functions by compile ms and its owners: a plain object. */
export const segmentSummary = (jobs, locate) => {
  const main = (j) => j.prepare + j.finalize + (j.sync ? j.execute : 0)
  const background = (j) => (j.sync ? 0 : j.execute)
  const byFunction = new Map()
  const byOwner = new Map()
  for (const j of jobs) {
    const where = locate(j)
    const key = `${where.name === "" ? "(anonymous)" : where.name} ${where.at ?? `(sfi ${j.sfi})`}`
    const owner = ownerOf(where.at)
    for (const [map, k] of [
      [byFunction, key],
      [byOwner, owner]
    ]) {
      const e = map.get(k) ?? { jobs: 0, ms: 0, mainMs: 0, backgroundMs: 0 }
      e.jobs++
      e.ms += j.prepare + j.execute + j.finalize
      e.mainMs += main(j)
      e.backgroundMs += background(j)
      map.set(k, e)
    }
  }
  const ranked = (map) => [...map].map(([key, e]) => ({ key, ...e })).sort((a, b) => b.ms - a.ms)
  const tiers = new Map()
  for (const j of jobs) tiers.set(j.tier, (tiers.get(j.tier) ?? 0) + 1)
  return {
    jobs: jobs.length,
    tiers: Object.fromEntries(tiers),
    osr: jobs.filter((j) => j.osr).length,
    synchronous: jobs.filter((j) => j.sync).length,
    prepareMs: sum(jobs.map((j) => j.prepare)),
    executeMs: sum(jobs.map((j) => j.execute)),
    finalizeMs: sum(jobs.map((j) => j.finalize)),
    mainMs: sum(jobs.map(main)),
    backgroundMs: sum(jobs.map(background)),
    functions: ranked(byFunction),
    owners: ranked(byOwner)
  }
}

const report = (s, name, top) => {
  const f = (x) => x.toFixed(1)
  const lines = [
    `## ${name}: ${s.jobs} optimising jobs (${Object.entries(s.tiers)
      .map(([t, n]) => `${t} ${n}`)
      .join(
        ", "
      )}; ${s.osr} OSR, ${s.synchronous} synchronous), ${f(s.prepareMs + s.executeMs + s.finalizeMs)} ms: prepare ${f(s.prepareMs)}, execute ${f(s.executeMs)}, finalize ${f(s.finalizeMs)}; main thread ${f(s.mainMs)}, workers ${f(s.backgroundMs)}`,
    "  by owner (jobs, ms, main thread ms):"
  ]
  for (const o of s.owners) lines.push(`    ${o.key}: ${o.jobs}, ${f(o.ms)}, ${f(o.mainMs)}`)
  lines.push(`  top ${top} functions (jobs, ms, main thread ms):`)
  for (const o of s.functions.slice(0, top))
    lines.push(`    ${o.key}: ${o.jobs}, ${o.ms.toFixed(2)}, ${o.mainMs.toFixed(2)}`)
  return lines.join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, maybeLog] = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"))
  if (out === undefined)
    throw new Error("usage: node bench/compile-time.mjs GATEWAY.out [V8.log] [--segment N] [--top 30] [--json]")
  const opt = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : fallback
  }
  const log =
    maybeLog ??
    (out.endsWith(".out") && existsSync(out.replace(/\.out$/, ".log")) ? out.replace(/\.out$/, ".log") : undefined)
  const locate = locator(log === undefined ? new Map() : functionsBySfi(readFileSync(log, "utf8")))
  const segments = compileSegments(readFileSync(out, "utf8"))
  const only = opt("segment", undefined)
  const top = Number(opt("top", "30"))
  const names = opt("names", "start + warm-up,run 1,run 2,run 3,run 4").split(",")
  const chosen = segments.map((s, i) => ({ i, s })).filter(({ i }) => only === undefined || i === Number(only))
  const summaries = chosen.map(({ i, s }) => ({
    segment: i,
    name: names[i] ?? `segment ${i}`,
    ...segmentSummary(s.jobs, locate)
  }))
  if (process.argv.includes("--json")) console.log(JSON.stringify(summaries))
  else for (const s of summaries) console.log(report(s, s.name, top))
}
