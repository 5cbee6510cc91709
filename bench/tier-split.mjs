#!/usr/bin/env node
// Where one process's CPU went by V8 tier, from a `perf record -g` of a gateway started with
// `--perf-basic-prof` (bench/first-run.mjs --perf records each run apart): on V8's workers,
// TurboFan compiling or garbage collection; on the main thread, TurboFan's own part of a
// compilation (a job's prepare and finalize: installing the code), lazy compilation (parsing and
// bytecode), Sparkplug compiling, deoptimising, the inline caches' and feedback's runtime calls,
// garbage collection, the kernel, and the JavaScript by the tier of the code that runs: the
// interpreter (Ignition's bytecode handlers), Sparkplug's baseline code, TurboFan's code, and the
// builtins they call. perf samples CPU time, so each sample is ~1/F s of one thread's CPU.
//
//   node bench/tier-split.mjs FILE.data [FILE2.data ...] [--json]
//
// With several files (a process's first and second runs) each gets a column, and the last column
// is the first file's figures less the second's: where the first run's extra CPU went.
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export const TURBOFAN =
  /compiler::|TurbofanCompilationJob|OptimizedCompilationJob|OptimizingCompileDispatcher|Compiler::FinalizeTurbofan/
export const GC =
  /Heap::(Collect|Perform|Scavenge|MarkCompact)|Scavenger|MarkCompactCollector|MinorMarkCompact|IncrementalMarking|ConcurrentMarking|Sweeper|MemoryAllocator|ArrayBufferSweeper|Evacuat|PointersUpdating|GCTracer|LocalHeap::Safepoint/
export const SPARKPLUG =
  /baseline::|BaselineBatchCompiler|Compiler::CompileSharedWithBaseline|Compiler::CompileBaseline/
export const LAZY =
  /Parser|BytecodeGenerator|Compiler::Compile|Runtime_CompileLazy|interpreter::|ScopeInfo|Scanner|AstValueFactory|Compiler::GetSharedFunctionInfo/
export const DEOPT = /Deoptimizer|Runtime_NotifyDeoptimized|TranslatedState/
export const IC =
  /IC::|Runtime_.*IC_|FeedbackNexus|FeedbackVector|Runtime_AllocateFeedback|ClosureFeedbackCellArray|JSFunction::EnsureFeedbackVector|JSFunction::CreateAndAttachFeedbackVector/

/** The category of one sample (frames leaf first, as `symbol (dso)`), on the main thread or a worker. */
export const categoryOf = (frames, mainThread) => {
  const any = (re) => frames.some((f) => re.test(f))
  if (!mainThread) {
    if (any(TURBOFAN)) return "workers: TurboFan compiling"
    if (any(GC)) return "workers: garbage collection"
    return "workers: other"
  }
  const leaf = frames[0] ?? ""
  if (leaf.endsWith("([kernel.kallsyms])")) return "main: kernel"
  if (any(GC)) return "main: garbage collection"
  if (any(TURBOFAN)) return "main: TurboFan (prepare, finalize, install)"
  if (any(DEOPT)) return "main: deoptimising"
  if (any(SPARKPLUG)) return "main: Sparkplug compiling"
  if (any(LAZY)) return "main: lazy compiling (parse, bytecode)"
  if (any(IC)) return "main: inline caches and feedback (runtime)"
  // The code that runs: the first frame that is JavaScript or the interpreter.
  for (const f of frames) {
    if (/^Builtins_(InterpreterEntryTrampoline|\w+Handler(Wide|ExtraWide)?) /.test(f))
      return "main: JS in the interpreter"
    if (f.startsWith("JS:^")) return "main: JS in Sparkplug code"
    if (f.startsWith("JS:*")) return "main: JS in TurboFan code"
    if (f.startsWith("JS:~")) return "main: JS in the interpreter"
    if (f.startsWith("JS:")) return "main: JS (tier not named)"
  }
  if (/^Builtins_/.test(leaf)) return "main: builtins, no JS frame"
  return "main: Node's and V8's C++, libuv"
}

/** Samples per category of one recording, with the frequency and the main thread's id. */
export const tierSplit = (file) => {
  const header = execFileSync("perf", ["report", "-i", file, "--header-only"], { maxBuffer: 1 << 26 }).toString()
  const freq = Number(/sample_freq\s*[:=]\s*(\d+)/.exec(header)?.[1] ?? /-F\s*(\d+)/.exec(header)?.[1] ?? "999")
  const out = execFileSync("perf", ["script", "-i", file, "-F", "tid,ip,sym,dso"], { maxBuffer: 1 << 30 }).toString()
  const samples = out
    .split("\n\n")
    .map((s) => s.trim().split("\n"))
    .filter((l) => l[0])
    .map((l) => ({ tid: l[0].trim(), frames: l.slice(1).map((x) => x.trim().replace(/^[0-9a-f]+\s+/, "")) }))
  const perThread = new Map()
  for (const s of samples) perThread.set(s.tid, (perThread.get(s.tid) ?? 0) + 1)
  // The gateway's main thread: its pid (perf script prints the thread id alone).
  const main = [...perThread].sort((a, b) => b[1] - a[1])[0]?.[0]
  const counts = new Map()
  for (const s of samples) {
    const c = categoryOf(s.frames, s.tid === main)
    counts.set(c, (counts.get(c) ?? 0) + 1)
  }
  return { file, freq, samples: samples.length, counts }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2).filter((a) => !a.startsWith("--"))
  if (files.length === 0) {
    console.error("usage: node bench/tier-split.mjs FILE.data [FILE2.data ...] [--json]")
    process.exit(2)
  }
  const splits = files.map(tierSplit)
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(splits.map((s) => ({ ...s, counts: Object.fromEntries(s.counts) }))))
  } else {
    const ms = (s, c) => ((s.counts.get(c) ?? 0) * 1000) / s.freq
    const categories = [...new Set(splits.flatMap((s) => [...s.counts.keys()]))].sort()
    const diff = splits.length >= 2
    console.log(`| CPU ms | ${files.join(" | ")}${diff ? " | first less second |" : " |"}`)
    for (const c of categories) {
      const cells = splits.map((s) => ms(s, c).toFixed(0))
      console.log(
        `| ${c} | ${cells.join(" | ")}${diff ? ` | ${(ms(splits[0], c) - ms(splits[1], c)).toFixed(0)} |` : " |"}`
      )
    }
    const totals = splits.map((s) => (s.samples * 1000) / s.freq)
    console.log(
      `| total | ${totals.map((t) => t.toFixed(0)).join(" | ")}${diff ? ` | ${(totals[0] - totals[1]).toFixed(0)} |` : " |"}`
    )
  }
}
