// A preload for a gateway process under measurement: `node --import ./process-probe.mjs main.js`.
// On SIGUSR2 it writes one JSON reading to the file named by MM_PROBE_OUT: process.memoryUsage(),
// V8's heap spaces, and the modules loaded so far: every CommonJS file (require's cache, which
// also holds CommonJS packages reached by `import`) and, with MM_PROBE_ESM=1, every ES module
// URL (through a module resolution hook, which runs on a thread of its own: off by default so
// that it does not weigh on the figures). With --expose-gc the reading follows a full collection.
// Node only (bench/footprint.mjs and the gateway's start-up test use it).
import { writeFileSync } from "node:fs"
import { createRequire, register } from "node:module"
import { getHeapSpaceStatistics } from "node:v8"
import { MessageChannel } from "node:worker_threads"

const out = process.env.MM_PROBE_OUT
const esm = new Set()
if (process.env.MM_PROBE_ESM === "1") {
  const { port1, port2 } = new MessageChannel()
  port1.on("message", (url) => esm.add(url))
  port1.unref()
  const hooks = `
    let port
    export const initialize = (data) => { port = data.port }
    export const resolve = async (specifier, context, next) => {
      const result = await next(specifier, context)
      port.postMessage(result.url)
      return result
    }`
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url, {
    data: { port: port2 },
    transferList: [port2]
  })
}
const require = createRequire(import.meta.url)

// MM_PROBE_ALLOCATIONS=FILE: V8's sampling heap profiler counting every allocation, collected or
// not (what allocates, not what stays), written to FILE at each reading (a .heapprofile).
const allocations = process.env.MM_PROBE_ALLOCATIONS
let session
if (allocations !== undefined) {
  const { Session } = await import("node:inspector")
  session = new Session()
  session.connect()
  session.post("HeapProfiler.startSampling", {
    samplingInterval: 64 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true
  })
}

if (out !== undefined)
  process.on("SIGUSR2", () => {
    session?.post("HeapProfiler.getSamplingProfile", (error, result) => {
      if (error === null) writeFileSync(allocations, JSON.stringify(result.profile))
    })
    globalThis.gc?.()
    const reading = {
      memory: process.memoryUsage(),
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size])),
      spacesCommitted: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size])),
      commonjs: Object.keys(require.cache),
      esm: [...esm]
    }
    writeFileSync(`${out}.tmp`, JSON.stringify(reading))
    // A reader never sees half a file.
    require("node:fs").renameSync(`${out}.tmp`, out)
  })
