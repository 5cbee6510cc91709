#!/usr/bin/env node
// Where a gateway makes hidden classes (V8 maps) while it runs, per segment of its life: the
// `map` events of V8's log (`--log-maps`, with bench/first-run.mjs's `--jit DIR` for the code log
// and the segment marks), counted by the source position that made them and the property each
// one adds. A site that makes about one per message in a run gives each of its objects a hidden
// class of its own (on Node 20, a spread that adds a key does: `{ ...o, key }`), and every site
// that reads those objects goes megamorphic. V8 logs a line and column but not the script, so
// the position is looked for in the build's bundles (`--root`, default this checkout): each
// bundle whose line there names the property is listed, mapped to src/ by its source map.
//
//   GW_NODE_FLAGS="--log-maps --no-log-maps-details" node bench/first-run.mjs --checkouts here \
//     --pairs 1 --runs 1 --jit DIR
//   node bench/map-sites.mjs DIR/here.p1.log [--segment 1] [--top 30] [--root .]
//
// Counted, not timed: the logging costs CPU itself.
import { readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { arg, fileArg } from "./cli.mjs"
import { sourceOf } from "./jit-log.mjs"

const file = fileArg("node bench/map-sites.mjs V8_LOG [--segment 1] [--top 30] [--root DIR]")
const segment = Number(arg("segment", "1"))
const top = Number(arg("top", "30"))
const root = resolve(arg("root", fileURLToPath(new URL("..", import.meta.url))))

// The map events of the segment, by (line, column, property).
const counts = new Map()
let at = 0
let total = 0
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (line.startsWith("code-creation,JS,") && /,jitMark\d+ /.test(line)) at++
  else if (at === segment && line.startsWith("map,")) {
    // map,TYPE,time,from,to,pc,line,column,reason,name
    const f = line.split(",")
    const key = `${f[6]}:${f[7]} ${f.slice(9).join(",")}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
    total++
  }
}

// The build's bundles, each as lines.
const bundles = []
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) walk(p)
    else if (e.name.endsWith(".js")) bundles.push({ path: p, lines: readFileSync(p, "utf8").split("\n") })
  }
}
for (const d of ["apps/gateway/dist", ...readdirSync(join(root, "packages")).map((p) => `packages/${p}/dist`)]) {
  try {
    walk(join(root, d))
  } catch {}
}
const candidates = (lineNo, col, name) =>
  bundles
    .filter((b) => {
      const text = b.lines[lineNo - 1]
      return text !== undefined && text.length >= col && (name === "" || text.includes(name))
    })
    .map((b) => sourceOf(`${b.path}:${lineNo}:${col}`))

console.log(`${file}, segment ${segment}: ${total} map events`)
for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [pos, ...rest] = key.split(" ")
  const name = rest.join(" ")
  const [l, c] = pos.split(":").map(Number)
  const where = l > 0 ? candidates(l, c, name) : []
  console.log(
    `${String(n).padStart(6)} × +${name || "(none)"} at ${pos}: ${where.join(" | ") || "(not in our bundles)"}`
  )
}
