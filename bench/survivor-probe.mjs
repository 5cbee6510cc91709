// A preload that samples what survives the young generation in a gateway process on the peer
// harness: `GW_NODE_FLAGS="--expose-gc --import $PWD/bench/survivor-probe.mjs"` through
// bench/peers.mjs, with MM_SURVIVOR_OUT=FILE. Node only (inspector, V8's sampling heap profiler).
//
// V8's sampling heap profiler drops a sample when its object dies; told to drop the objects the
// scavenger collects but to keep those a full collection collects
// (`includeObjectsCollectedByMinorGC: false`, `includeObjectsCollectedByMajorGC: true`), what is
// left is every sampled object that outlived at least one scavenge: what the scavenger copied
// (kept young or promoted), counted once per object at its allocation site. The probe counts the
// sessions the process accepts (diagnostics channel `net.server.socket`) and samples from the
// session past MM_SURVIVOR_FROM (default 2200: the harness's second smtp-source run, after the
// warm-up of 200 and the first run of 2,000) to the session past MM_SURVIVOR_TO (default 4200),
// or to the process's exit. Before writing the profile it runs one scavenge (`gc({type:
// "minor"})`, hence `--expose-gc`), so that the young objects no scavenge has looked at yet (up to
// a semi-space of them, garbage for the most part) do not count as survivors.
//
// The profile is written as FILE (a .heapprofile, Chrome DevTools' format); `node
// bench/alloc-summary.mjs FILE 2000 --by-source` reads it (per message: 2,000 sessions).
// MM_SURVIVOR_INTERVAL sets the mean sampling interval in bytes (default 4096);
// MM_SURVIVOR_MODE=allocated keeps the collected objects too: what the same window allocated, to
// set each site's survivors against its allocations; MM_SURVIVOR_MODE=live drops every object
// collected (minor or major) and runs a full collection before writing: what the window left
// alive. `survived` minus `live`, site by site, is what outlived a scavenge and died later, in
// the old generation for the most part: what the window's major collections were for.
import { subscribe } from "node:diagnostics_channel"
import { writeFileSync } from "node:fs"
import { Session } from "node:inspector"

const out = process.env.MM_SURVIVOR_OUT
const from = Number(process.env.MM_SURVIVOR_FROM ?? 2200)
const to = Number(process.env.MM_SURVIVOR_TO ?? 4200)
const interval = Number(process.env.MM_SURVIVOR_INTERVAL ?? 4096)
// `allocated`: every sampled object, collected or not (an allocation profile of the same window).
const allocated = process.env.MM_SURVIVOR_MODE === "allocated"
// `live`: only the objects still alive at the end (a full collection first).
const live = process.env.MM_SURVIVOR_MODE === "live"

if (out !== undefined) {
  if (typeof globalThis.gc !== "function") throw new Error("survivor-probe: run node with --expose-gc")
  const session = new Session()
  session.connect()
  let sessions = 0
  let state = "waiting"
  const write = () => {
    if (state !== "sampling") return
    state = "written"
    if (live) globalThis.gc()
    else globalThis.gc({ type: "minor" })
    session.post("HeapProfiler.getSamplingProfile", (error, result) => {
      if (error !== null) return process.stderr.write(`[survivor-probe] ${error.message}\n`)
      writeFileSync(out, JSON.stringify(result.profile))
      process.stderr.write(`[survivor-probe] ${JSON.stringify({ sessions: Math.min(sessions, to) - from, out })}\n`)
      session.post("HeapProfiler.stopSampling")
    })
  }
  subscribe("net.server.socket", () => {
    sessions++
    if (sessions === from + 1 && state === "waiting") {
      state = "sampling"
      session.post("HeapProfiler.startSampling", {
        samplingInterval: interval,
        includeObjectsCollectedByMajorGC: !live,
        includeObjectsCollectedByMinorGC: allocated
      })
    } else if (sessions === to + 1) write()
  })
  process.on("exit", write)
}
