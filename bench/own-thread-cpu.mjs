// The CPU of each thread of the calling process (Linux's /proc), in ms, the main thread first, then
// the others in creation order (Node 20 names none). Self-contained, so that a bench can put its
// source into a child's `node -e` code: `const threadCpuMs = ${threadCpuMs}` (bench/gc-threads.mjs,
// bench/jit-flags.mjs).
export const threadCpuMs = () => {
  const { readdirSync, readFileSync } = require("node:fs")
  return readdirSync("/proc/self/task")
    .map(Number)
    .sort((a, b) => a - b)
    .map((task) => {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      return (Number(fields[11]) + Number(fields[12])) * 10
    })
}
