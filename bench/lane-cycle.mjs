// A deadline lane that empties between waits, in one process: a wait added and cancelled again
// and again on a lane of its own (a message's deadline answered in time on an otherwise idle
// lane), this build's `DeadlineLanes` against another checkout's, alternated, eight runs each.
// Prints nanoseconds of process CPU per add and cancel (docs/performance.md, "Deadlines on a
// monotonic clock, 2026-12-07 late night": a `setTimeout` and `clearTimeout` each at 5b3cfcc, a
// parked timer refreshed since).
//
//   npm run build && node bench/lane-cycle.mjs --checkout /tmp/mm-base34 [--n 200000]
import { resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const other = arg("checkout")
if (other === undefined) throw new Error("--checkout DIR: the build to compare with")
const n = Number(arg("n", "200000"))
const load = async (root) =>
  (await import(pathToFileURL(resolve(root, "packages/core/dist/index.js")).href)).DeadlineLanes
const builds = { this: await load(here), other: await load(other) }
const fire = () => {}
const once = (lanes) => {
  const d = lanes.make()
  const t = process.cpuUsage()
  for (let i = 0; i < n; i++) d.add(5000, fire).cancel()
  const u = process.cpuUsage(t)
  return ((u.user + u.system) * 1000) / n
}
const out = { this: [], other: [] }
for (let r = 0; r < 8; r++) for (const k of r % 2 ? ["other", "this"] : ["this", "other"]) out[k].push(once(builds[k]))
for (const k of ["this", "other"]) {
  const sorted = [...out[k]].sort((a, b) => a - b)
  console.log(
    `${k.padEnd(5)} ${out[k].map((x) => x.toFixed(0)).join(" ")} ns per add and cancel; median ${((sorted[3] + sorted[4]) / 2).toFixed(0)}`
  )
}
