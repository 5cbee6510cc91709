#!/usr/bin/env node
// What was alive in one heap snapshot and gone by a later one of the same process (V8 keeps an
// object's id across the snapshots of one process): by kind and name, and by the holder (alive
// in both) that pointed at it, bytes of the objects it held directly. bench/heap-snapshot-probe.mjs
// writes the snapshots; a snapshot collects first, so these are objects that were alive at the
// first and died before the second: what a run's mark-compacts reclaim of what was live then.
//
//   node bench/heap-snapshot-diff.mjs DIR/s3200.heapsnapshot DIR/s4200.heapsnapshot [--top 25]
import { readFileSync } from "node:fs"

const [first, second] = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const topAt = process.argv.indexOf("--top")
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 25
if (first === undefined || second === undefined) {
  console.error("usage: node bench/heap-snapshot-diff.mjs FIRST.heapsnapshot SECOND.heapsnapshot [--top 25]")
  process.exit(2)
}

const read = (file) => JSON.parse(readFileSync(file, "utf8"))
const a = read(first)
const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = a.snapshot.meta
const [W, EW] = [nf.length, ef.length]
const [TYPE, NAME, SIZE, ID, EDGES] = ["type", "name", "self_size", "id", "edge_count"].map((f) => nf.indexOf(f))
const [ETYPE, ENAME, ETO] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f))
const kinds = nt[0]
const edgeKinds = et[0]

const later = new Set()
{
  const b = read(second)
  for (let i = 0; i < b.nodes.length; i += W) later.add(b.nodes[i + ID])
}

const { nodes, edges, strings } = a
const named = new Set(["object", "closure", "native"])
const label = (i) => {
  const kind = kinds[nodes[i + TYPE]]
  return named.has(kind) ? `${kind} ${strings[nodes[i + NAME]].slice(0, 50)}` : kind
}
const gone = new Set()
const byKind = new Map()
const add = (map, key, bytes) => {
  const row = map.get(key) ?? { count: 0, bytes: 0 }
  row.count++
  row.bytes += bytes
  map.set(key, row)
}
for (let i = 0; i < nodes.length; i += W)
  if (!later.has(nodes[i + ID])) {
    gone.add(i)
    add(byKind, label(i), nodes[i + SIZE])
  }
const byHolder = new Map()
for (let i = 0, e = 0; i < nodes.length; e += nodes[i + EDGES] * EW, i += W) {
  if (gone.has(i)) continue
  for (let j = e; j < e + nodes[i + EDGES] * EW; j += EW) {
    const to = edges[j + ETO]
    if (!gone.has(to)) continue
    const kind = edgeKinds[edges[j + ETYPE]]
    const edge = kind === "element" || kind === "hidden" ? kind : String(strings[edges[j + ENAME]]).slice(0, 30)
    add(byHolder, `${label(i)} -${kind}:${edge}->`, nodes[to + SIZE])
  }
}
const kb = (bytes) => `${(bytes / 1024).toFixed(0).padStart(7)} KB`
const print = (title, map) => {
  console.log(`--- ${title}`)
  for (const [key, { count, bytes }] of [...map].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, top))
    console.log(`${kb(bytes)} ${String(count).padStart(7)}  ${key}`)
}
let total = 0
for (const { bytes } of byKind.values()) total += bytes
console.log(`alive in ${first}, gone by ${second}: ${gone.size} objects, ${kb(total)}`)
print("by kind and name", byKind)
print("by holder alive in both (bytes of what it held directly)", byHolder)
