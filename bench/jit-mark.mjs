// A preload (`--import bench/jit-mark.mjs`) that cuts a gateway's V8 log into segments for
// bench/jit-log.mjs: each SIGUSR2 runs a new function named jitMarkN (N = 1, 2, ...), whose code
// creation V8 logs at that point. bench/first-run.mjs sends the signal between runs.
let n = 0
process.on("SIGUSR2", () => {
  n++
  // The process's own output gets the cut too (V8's --trace-* lines go there).
  process.stdout.write(`jit-mark ${n}\n`)
  // A function of its own per mark, so that each is compiled (and logged) when it first runs.
  // biome-ignore lint/security/noGlobalEval: the name must be new at every mark
  ;(0, eval)(`(function jitMark${n}() { return ${n} })`)()
})
