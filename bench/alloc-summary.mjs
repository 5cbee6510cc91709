#!/usr/bin/env node
// Reads an allocation profile (bench/alloc-probe.mjs, bench/engine-peers.mjs --alloc) and prints
// the bytes allocated by package and by function (self), per message when a count is given.
// `--by-source` also counts each sample at the nearest frame of a package's `dist` that its source
// map leads back to `src` (what Effect, Node or a dependency allocates on our behalf is counted at
// our caller; samples with no such frame, e.g. fibers resumed from the runtime's queue, are
// "(outside)"), by source file and by function (its first line).
//
//   node bench/alloc-summary.mjs FILE.heapprofile [messages] [--top 40] [--by-source]
import { existsSync, readFileSync } from "node:fs"
import { SourceMap } from "node:module"
import { fileURLToPath } from "node:url"

const [file, count] = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const topIndex = process.argv.indexOf("--top")
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 40
const profile = JSON.parse(readFileSync(file, "utf8"))
const messages = Number(count ?? 1)
const byPackage = new Map()
const byFunction = new Map()
const inclusive = new Map()
let total = 0
const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n)
const packageOf = (url) =>
  url === ""
    ? "(native)"
    : url
        .replace(/.*node_modules\/\.pnpm\/([^/]+)\/.*/, "$1")
        .replace(/.*\/(packages|apps)\/([^/]+)\/.*/, "$1/$2")
        .replace(/^node:.*/, "node")
const walk = (node, stack) => {
  const frame = node.callFrame
  const file = frame.url.split("/").slice(-2).join("/")
  const where = `${frame.functionName || "(anonymous)"} ${packageOf(frame.url)} ${file}:${frame.lineNumber + 1}`
  total += node.selfSize
  add(byPackage, packageOf(frame.url), node.selfSize)
  add(byFunction, where, node.selfSize)
  const seen = new Set(stack)
  if (!seen.has(where)) stack = [...stack, where]
  for (const key of stack) add(inclusive, key, node.selfSize)
  for (const child of node.children) walk(child, stack)
}
walk(profile.head, [])
const kb = (n) => `${(n / messages / 1024).toFixed(1).padStart(8)} KB`
const print = (title, map) => {
  console.log(`--- ${title}`)
  for (const [key, n] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${kb(n)} ${((100 * n) / total).toFixed(1).padStart(5)} %  ${key}`)
}
console.log(`total ${kb(total)}${count === undefined ? "" : " per message"}`)
print("by package", byPackage)
print("self", byFunction)
print("inclusive", inclusive)

// `--by-source`: samples counted at our nearest source frame (through the packages' source maps).
if (process.argv.includes("--by-source")) {
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
  const attribute = (node, near) => {
    const here = sourceOf(node.callFrame) ?? near
    add(byFile, here?.path ?? "(outside)", node.selfSize)
    add(byLine, here?.line ?? "(outside)", node.selfSize)
    for (const child of node.children) attribute(child, here)
  }
  attribute(profile.head, undefined)
  print("by source file", byFile)
  print("by source function", byLine)
}
