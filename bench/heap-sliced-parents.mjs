#!/usr/bin/env node
// Reads a V8 heap snapshot and counts the strings that sliced strings keep alive: a slice of a
// big string (a header block, an HTML part) held somewhere long-lived retains all of its parent.
// Prints the number of sliced strings and of distinct parents larger than --min bytes, and their size.
//
//   node --max-old-space-size=4000 bench/heap-sliced-parents.mjs FILE.heapsnapshot [--min 1000]
//
// A snapshot comes from bench/classifier-retained.mjs --snapshot FILE (or DevTools).
import { readFileSync } from "node:fs"

const file = process.argv[2]
const minIndex = process.argv.indexOf("--min")
const min = minIndex > 0 ? Number(process.argv[minIndex + 1]) : 1000
const snap = JSON.parse(readFileSync(file, "utf8"))
const meta = snap.snapshot.meta
const nodeFields = meta.node_fields.length
const edgeFields = meta.edge_fields.length
const types = meta.node_types[0]
const { nodes, edges } = snap
const typeAt = meta.node_fields.indexOf("type")
const sizeAt = meta.node_fields.indexOf("self_size")
const edgeCountAt = meta.node_fields.indexOf("edge_count")
const toAt = meta.edge_fields.indexOf("to_node")
let sliced = 0
const parents = new Map()
let edge = 0
for (let n = 0; n < nodes.length; n += nodeFields) {
  const count = nodes[n + edgeCountAt]
  if (types[nodes[n + typeAt]] === "sliced string") {
    sliced++
    for (let k = 0; k < count; k++) {
      const to = edges[edge + k * edgeFields + toAt]
      const size = nodes[to + sizeAt]
      if (size > min) parents.set(to, size)
    }
  }
  edge += count * edgeFields
}
let total = 0
for (const size of parents.values()) total += size
console.log(
  `${sliced} sliced strings; ${parents.size} distinct parents over ${min} bytes, ${(total / 2 ** 20).toFixed(2)} MB, the largest ${(Math.max(0, ...parents.values()) / 1024).toFixed(0)} KB`
)
