#!/usr/bin/env node
// Reads an allocation profile (bench/alloc-probe.mjs, bench/engine-peers.mjs --alloc) and prints
// the bytes allocated by package and by function (self), per message when a count is given.
// `--by-source` also counts each sample at the nearest frame of a package's `dist` that its source
// map leads back to `src` (what Effect, Node or a dependency allocates on our behalf is counted at
// our caller; samples with no such frame, e.g. fibers resumed from the runtime's queue, are
// "(outside)"), by source file and by function (its first line).
//
// `--by-layer` (implies the source maps of `--by-source`) sums the same samples by layer of the
// gateway: a sample with `gateway/src/SessionPhases.ts` on its stack is the session phases' (the
// engine's connect, MAIL and RCPT phases with the Effect runs around them, when they ran at
// once); any other is counted by its nearest source file (the table `LAYERS` below), and one with
// no source frame by the package of its own frame (Node's sockets, streams and timers; Effect's
// scheduler resuming a fiber after a wait; V8's natives).
//
//   node bench/alloc-summary.mjs FILE.heapprofile [messages] [--top 40] [--by-source] [--by-layer]
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
const byLayerWanted = process.argv.includes("--by-layer")
/** Source files (`package/src/...` as `--by-source` prints them) to layers; the first match wins. */
const LAYERS = [
  [/^antispam\/src\/classifier\//, "classifier (data phase)"],
  [/^(core|antispam|sdk|platform-node)\//, "engine: data phase (message analysis, stages, DNS)"],
  [/^gateway\/src\/runtime\/Runner\.ts/, "engine: Effect runs (the data phase's fiber)"],
  [/^gateway\/src\/Protection\.ts/, "engine: data phase (message analysis, stages, DNS)"],
  [/^protocols\/src\/smtp\/(LogLine|Reply)\.ts/, "transport: SMTP ingress"],
  [/^protocols\/src\/smtp\//, "transport: SMTP ingress"],
  [/^protocols\/src\/delivery\//, "relay client (downstream SMTP)"],
  [
    /^gateway\/src\/(RelayHandoff|DeliverySource|ExecutePlan|RecipientPlan|TraceHeaders)\.ts/,
    "relay hand-off and delivery plan"
  ],
  [/^gateway\/src\/(Log|MessageLine)\.ts/, "logging"],
  [/^gateway\/src\/(Metrics\.ts|metrics\/)/, "metrics"],
  [/^gateway\/src\/(GatewayHandler|RateLimits|Replies|reload\/SwappableHandler)\.ts/, "handler glue"],
  [/^gateway\//, "gateway: other (start-up, listeners)"]
]
const layerOf = (path) => LAYERS.find(([re]) => re.test(path))?.[1] ?? "other"
if (process.argv.includes("--by-source") || byLayerWanted) {
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
  const byLayer = new Map()
  const attribute = (node, near, phases) => {
    const own = sourceOf(node.callFrame)
    const here = own ?? near
    const inPhases = phases || own?.path === "gateway/src/SessionPhases.ts"
    add(byFile, here?.path ?? "(outside)", node.selfSize)
    add(byLine, here?.line ?? "(outside)", node.selfSize)
    const layer = inPhases
      ? "session phases (engine connect/MAIL/RCPT, run at once)"
      : here === undefined
        ? `no source frame: ${packageOf(node.callFrame.url)}`
        : layerOf(here.path)
    add(byLayer, layer, node.selfSize)
    for (const child of node.children) attribute(child, here, inPhases)
  }
  attribute(profile.head, undefined, false)
  if (process.argv.includes("--by-source")) {
    print("by source file", byFile)
    print("by source function", byLine)
  }
  if (byLayerWanted) print("by layer", byLayer)
}
