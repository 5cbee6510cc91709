#!/usr/bin/env node
// Reads an allocation profile (bench/alloc-probe.mjs, bench/engine-peers.mjs --alloc) and prints
// the bytes allocated per message by our own source file and line: each sample is counted at the
// nearest frame of a package's `dist` that its source map leads back to `src` (what Effect, Node
// or a dependency allocates on our behalf is counted at our caller). Samples with no such frame
// (the bench itself, Node's own work, fibers resumed from the runtime's queue) are "(outside)".
//
//   node bench/alloc-by-source.mjs FILE.heapprofile [messages] [--top 40]
import { existsSync, readFileSync } from "node:fs"
import { SourceMap } from "node:module"
import { fileURLToPath } from "node:url"

const [file, count] = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const topIndex = process.argv.indexOf("--top")
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 40
const profile = JSON.parse(readFileSync(file, "utf8"))
const messages = Number(count ?? 1)
const maps = new Map()
const mapOf = (url) => {
  if (!url.startsWith("file://") || !url.includes("/dist/") || url.includes("/node_modules/")) return undefined
  if (!maps.has(url)) {
    const path = `${fileURLToPath(url)}.map`
    maps.set(url, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, "utf8"))) : undefined)
  }
  return maps.get(url)
}
const sourceOf = (frame) => {
  const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber)
  if (!entry?.originalSource) return undefined
  const pkg = /\/(packages|apps)\/([^/]+)\/dist\//.exec(frame.url)?.[2] ?? "?"
  const path = `${pkg}/${entry.originalSource.replace(/^(\.\.\/)+/, "")}`
  return { path, line: `${path}:${entry.originalLine + 1} ${frame.functionName}` }
}
const byFile = new Map()
const byLine = new Map()
let total = 0
const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n)
const walk = (node, near) => {
  const here = sourceOf(node.callFrame) ?? near
  total += node.selfSize
  add(byFile, here?.path ?? "(outside)", node.selfSize)
  add(byLine, here?.line ?? "(outside)", node.selfSize)
  for (const child of node.children) walk(child, here)
}
walk(profile.head, undefined)
const kb = (n) => `${(n / messages / 1024).toFixed(2).padStart(8)} KB`
console.log(`total ${kb(total)}${count === undefined ? "" : " per message"}`)
for (const [title, map] of [
  ["by source file", byFile],
  ["by source line (the function's first line)", byLine]
]) {
  console.log(`--- ${title}`)
  for (const [key, n] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${kb(n)} ${((100 * n) / total).toFixed(1).padStart(5)} %  ${key}`)
}
