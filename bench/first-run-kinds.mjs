#!/usr/bin/env node
// The first run's extra CPU by kind of work, finer than bench/tier-split.mjs: from `perf record
// -g` recordings of one gateway's first and second runs (bench/first-run.mjs --perf, which keeps
// each process's JIT names as DIR/LABEL.pN.map), what the first run spent more than the second
// on V8's workers (TurboFan, collection) and on the main thread: collection, TurboFan's
// main-thread phases, deoptimising, Sparkplug compiling, lazy compiling, regexp compiling
// (parse, bytecode, native code), the inline caches' and feedback's runtime; and under each
// tier's JavaScript (the interpreter, Sparkplug, TurboFan) what its samples ran: the code itself,
// builtins, regexp matching (the regexp interpreter or native regexp code), other runtime calls
// (`Runtime_*`), V8's or Node's C++. `--top N` adds the JavaScript functions (the nearest
// JavaScript frame, any tier) whose samples differ most between the two runs.
//
//   node bench/first-run-kinds.mjs DIR/here.p1.r1.data DIR/here.p1.r2.data [--map DIR/here.p1.map] [--top 25]
//
// perf samples CPU time, so each sample is ~1/F s of one thread's CPU. JIT code addresses are
// reused as code is collected; the map's later entry for an address wins.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { DEOPT, GC, IC, LAZY, SPARKPLUG, TURBOFAN } from "./tier-split.mjs"

// A regexp's first use: parsing the pattern, V8's regexp bytecode, and native code on tier-up.
const REGEXP_COMPILE =
  /RegExp::Compile|RegExpImpl::Compile|RegExpCompiler|RegExpParser|RegExpBytecodeGenerator|RegExpBytecodePeephole|RegExpMacroAssemblerX64|RegExp::EnsureFullyCompiled|RegExpImpl::IrregexpPrepare|JSRegExp::Initialize|Runtime_RegExpInitializeAndCompile/
const REGEXP_MATCH = /IrregexpInterpreter|NativeRegExpMacroAssembler|^RegExp:/
const INTERPRETER = /^Builtins_(InterpreterEntryTrampoline|\w+Handler(Wide|ExtraWide)?)$/

/** The JIT names of a saved perf map (`start size name` lines): a sorted array for lookups. */
const loadMap = (file) => {
  const entries = []
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line)
    if (m !== null)
      entries.push({
        start: Number.parseInt(m[1], 16),
        end: Number.parseInt(m[1], 16) + Number.parseInt(m[2], 16),
        name: m[3],
        order: entries.length
      })
  }
  // Later entries (code made later at a reused address) win: sorted by start, then by order.
  entries.sort((a, b) => a.start - b.start || a.order - b.order)
  return entries
}
const lookup = (entries, ip) => {
  let lo = 0
  let hi = entries.length - 1
  let found
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (entries[mid].start <= ip) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  // Walk back over entries that start earlier but still cover ip; the latest made wins.
  let best
  for (let i = found ?? -1; i >= 0 && i > (found ?? 0) - 64; i--) {
    const e = entries[i]
    if (e.start <= ip && ip < e.end && (best === undefined || e.order > best.order)) best = e
  }
  return best?.name
}

/** One recording's samples: thread and frames (leaf first) as symbol names. */
const samplesOf = (file, map) => {
  const out = execFileSync("perf", ["script", "-i", file, "-F", "tid,ip,sym,dso"], { maxBuffer: 1 << 30 }).toString()
  return out
    .split("\n\n")
    .map((s) => s.trim().split("\n"))
    .filter((l) => l[0])
    .map((l) => ({
      tid: l[0].trim(),
      frames: l.slice(1).map((x) => {
        const m = /^\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)$/.exec(x)
        if (m === null) return x.trim()
        const [, ip, sym, dso] = m
        if (dso.startsWith("[kernel")) return `${sym} [kernel]`
        if (sym === "[unknown]" && map !== undefined && dso.startsWith("/tmp/perf-"))
          return lookup(map, Number.parseInt(ip, 16)) ?? sym
        return sym
      })
    }))
}

const tierOf = (f) =>
  INTERPRETER.test(f) || f.startsWith("JS:~") || f.startsWith("Function:~")
    ? "the interpreter"
    : f.startsWith("JS:^") || f.startsWith("Function:^")
      ? "Sparkplug code"
      : f.startsWith("JS:*") || f.startsWith("Function:*")
        ? "TurboFan code"
        : f.startsWith("JS:") || f.startsWith("Function:")
          ? "JS, tier not named"
          : undefined

/** The kind of one sample, and the nearest JavaScript function (for `--top`). */
export const kindOf = (frames, mainThread) => {
  const any = (re) => frames.some((f) => re.test(f))
  if (!mainThread) {
    if (any(TURBOFAN)) return { kind: "workers: TurboFan compiling" }
    if (any(GC)) return { kind: "workers: garbage collection" }
    return { kind: "workers: other" }
  }
  const js = frames.findIndex((f) => tierOf(f) !== undefined)
  const fn = js < 0 ? undefined : frames[js].replace(/^(JS|Function):[~^*+]?/, "")
  const leaf = frames[0] ?? ""
  if (leaf.endsWith("[kernel]")) return { kind: "main: kernel", fn }
  if (any(GC)) return { kind: "main: garbage collection", fn }
  if (any(TURBOFAN)) return { kind: "main: TurboFan (prepare, finalize, install)", fn }
  if (any(DEOPT)) return { kind: "main: deoptimising", fn }
  if (any(SPARKPLUG)) return { kind: "main: Sparkplug compiling", fn }
  if (any(REGEXP_COMPILE)) return { kind: "main: regexp compiling (parse, bytecode, native)", fn }
  if (any(LAZY)) return { kind: "main: lazy compiling (parse, bytecode)", fn }
  if (any(IC)) return { kind: "main: inline caches and feedback (runtime)", fn }
  if (js < 0)
    return { kind: /^Builtins_/.test(leaf) ? "main: builtins, no JS frame" : "main: Node's and V8's C++, libuv" }
  const tier = tierOf(frames[js])
  const below = frames.slice(0, js)
  if (below.some((f) => REGEXP_MATCH.test(f))) return { kind: `main: ${tier}: regexp matching`, fn }
  if (below.some((f) => /Runtime_/.test(f))) return { kind: `main: ${tier}: runtime calls`, fn }
  if (below.some((f) => /v8::|node::|uv_/.test(f))) return { kind: `main: ${tier}: V8's or Node's C++`, fn }
  if (below.length > 0) return { kind: `main: ${tier}: builtins`, fn }
  return { kind: `main: ${tier}: the code itself`, fn }
}

/** Samples per kind and per function of one recording. */
export const kindSplit = (file, map) => {
  const header = execFileSync("perf", ["report", "-i", file, "--header-only"], { maxBuffer: 1 << 26 }).toString()
  const freq = Number(/sample_freq\s*[:=]\s*(\d+)/.exec(header)?.[1] ?? "999")
  const samples = samplesOf(file, map)
  const perThread = new Map()
  for (const s of samples) perThread.set(s.tid, (perThread.get(s.tid) ?? 0) + 1)
  const main = [...perThread].sort((a, b) => b[1] - a[1])[0]?.[0]
  const kinds = new Map()
  const fns = new Map()
  for (const s of samples) {
    const { kind, fn } = kindOf(s.frames, s.tid === main)
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
    if (fn !== undefined) fns.set(fn, (fns.get(fn) ?? 0) + 1)
  }
  return { freq, samples: samples.length, kinds, fns }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : undefined
  }
  const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"))
  if (files.length !== 2) {
    console.error("usage: node bench/first-run-kinds.mjs RUN1.data RUN2.data [--map FILE.map] [--top N]")
    process.exit(2)
  }
  const mapFile = arg("map") ?? files[0].replace(/\.r\d+\.data$/, ".map")
  const map = existsSync(mapFile) ? loadMap(mapFile) : undefined
  const [a, b] = files.map((f) => kindSplit(f, map))
  const ms = (s, n) => (n * 1000) / s.freq
  const kinds = [...new Set([...a.kinds.keys(), ...b.kinds.keys()])].sort()
  const extra = ms(a, a.samples) - ms(b, b.samples)
  console.log("| kind | run 1 ms | run 2 ms | run 1 less run 2 | share of the extra |")
  console.log("|---|---|---|---|---|")
  for (const k of kinds) {
    const [x, y] = [ms(a, a.kinds.get(k) ?? 0), ms(b, b.kinds.get(k) ?? 0)]
    console.log(
      `| ${k} | ${x.toFixed(0)} | ${y.toFixed(0)} | ${(x - y).toFixed(0)} | ${((100 * (x - y)) / extra).toFixed(1)} % |`
    )
  }
  console.log(
    `| total | ${ms(a, a.samples).toFixed(0)} | ${ms(b, b.samples).toFixed(0)} | ${extra.toFixed(0)} | 100 % |`
  )
  const top = Number(arg("top") ?? "0")
  if (top > 0) {
    const names = [...new Set([...a.fns.keys(), ...b.fns.keys()])]
    const rows = names
      .map((n) => ({ n, x: ms(a, a.fns.get(n) ?? 0), y: ms(b, b.fns.get(n) ?? 0) }))
      .sort((p, q) => q.x - q.y - (p.x - p.y))
      .slice(0, top)
    console.log("\n| nearest JavaScript function (main thread) | run 1 ms | run 2 ms | less |")
    console.log("|---|---|---|---|")
    for (const r of rows) console.log(`| ${r.n} | ${r.x.toFixed(0)} | ${r.y.toFixed(0)} | ${(r.x - r.y).toFixed(0)} |`)
  }
}
