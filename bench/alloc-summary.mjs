#!/usr/bin/env node
// Reads an allocation profile (bench/alloc-probe.mjs, bench/engine-peers.mjs --alloc) and prints
// the bytes allocated by package and by function (self), per message when a count is given.
//
//   node bench/alloc-summary.mjs FILE.heapprofile [messages] [--top 40]
import { readFileSync } from "node:fs"

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
