// A preload that samples what a gateway process allocates, collected objects included (what
// allocates, not what stays): `MM_ALLOC_OUT=FILE node --import ./bench/alloc-probe.mjs main.js`.
// The first SIGUSR2 restarts the sampling (to leave start-up and warm-up out), every later one
// writes the profile so far to FILE (a .heapprofile, Chrome DevTools' format), and so does the
// process's exit. `node bench/alloc-summary.mjs FILE [messages]` reads it.
import { writeFileSync } from "node:fs"
import { Session } from "node:inspector"

const out = process.env.MM_ALLOC_OUT
if (out !== undefined) {
  const session = new Session()
  session.connect()
  const start = () =>
    session.post("HeapProfiler.startSampling", {
      samplingInterval: Number(process.env.MM_ALLOC_INTERVAL ?? 16 * 1024),
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true
    })
  const write = () =>
    session.post("HeapProfiler.getSamplingProfile", (error, result) => {
      if (error === null) writeFileSync(out, JSON.stringify(result.profile))
    })
  start()
  let restarted = false
  process.on("SIGUSR2", () => {
    if (restarted) return write()
    restarted = true
    session.post("HeapProfiler.stopSampling", () => start())
  })
  process.on("exit", write)
}
