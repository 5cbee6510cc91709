// A preload that writes heap snapshots of a gateway process at given session counts:
// `MM_SNAP_AT=2700,4200 MM_SNAP_DIR=DIR node --import ./bench/heap-snapshot-probe.mjs main.js`
// (through bench/tail-breakdown.mjs: `GW_NODE_FLAGS="--import $PWD/bench/heap-snapshot-probe.mjs"`;
// with `--warm-runs 1` the replay's sessions are 2,201-4,200). It counts the sessions the process
// accepts (diagnostics channel `net.server.socket`) and, in the turn after the one that accepted
// session N, writes DIR/sN.heapsnapshot (`v8.writeHeapSnapshot`). A snapshot runs a full
// collection first and stops the process for seconds: it shows what is alive, not what was
// promoted and is dead, and the run's latencies around it are not figures.
import { subscribe } from "node:diagnostics_channel"
import * as v8 from "node:v8"

const at = new Set(
  (process.env.MM_SNAP_AT ?? "")
    .split(",")
    .filter((s) => s !== "")
    .map(Number)
)
const dir = process.env.MM_SNAP_DIR ?? "."
let sessions = 0
if (at.size > 0)
  subscribe("net.server.socket", () => {
    sessions++
    const n = sessions
    if (at.has(n)) setImmediate(() => v8.writeHeapSnapshot(`${dir}/s${n}.heapsnapshot`))
  })
