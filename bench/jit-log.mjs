#!/usr/bin/env node
// What V8's optimising compiler did in a gateway's life, segment by segment, from its log
// (`node --log-code --log-deopt --logfile=FILE --no-logfile-per-isolate`): every TurboFan code
// object created (a compilation: `code-creation,JS,...,*`), the functions compiled again after an
// earlier TurboFan code of theirs (re-optimisations), and every deoptimisation with the function
// whose optimised code it threw away, the site (which may be in a function inlined into it) and
// V8's reason. Sites and functions in a build's dist are mapped back to src/ through the
// bundles' source maps. Segments are cut where bench/jit-mark.mjs ran its markers (a function
// named jitMarkN, compiled when it first runs); bench/first-run.mjs names them.
//
//   node bench/jit-log.mjs FILE [--names start,run 1,run 2] [--top 25]
//
// Counted, not timed: the logging costs CPU itself.
import { readFileSync } from "node:fs"
import { SourceMap } from "node:module"
import { dirname, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { arg, fileArg } from "./cli.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))

// `name file:line:col` or ` file:line:col` (anonymous), as V8 logs a function.
const functionOf = (text) => {
  const i = text.lastIndexOf(" ")
  return { name: text.slice(0, i).trim(), at: text.slice(i + 1) }
}

// CSV fields as V8 writes them: commas inside names are escaped as \x2C, so a plain split does.
const fields = (line) => line.split(",")

const maps = new Map()
const mapOf = (file) => {
  if (!maps.has(file)) {
    let map
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")))
    } catch {
      map = undefined
    }
    maps.set(file, map)
  }
  return maps.get(file)
}
/**
 * `file:line:col` of a dist bundle -> `src/...:line` where its source map says, else as it was; a
 * deopt site inlined into others (`a> inlined at <b`) reads `a < b`, innermost first.
 */
export const sourceOf = (at) => {
  if (at.includes("> inlined at <")) return at.split("> inlined at <").map(sourceOf).join(" < ")
  const m = /^(?:file:\/\/)?(.*):(\d+):(\d+)$/.exec(at)
  if (m === null) return at
  const map = mapOf(m[1])
  const entry = map?.findEntry(Number(m[2]) - 1, Number(m[3]) - 1)
  if (entry?.originalSource === undefined) return `${m[1].startsWith("/") ? relative(root, m[1]) : m[1]}:${m[2]}`
  const source = entry.originalSource.startsWith("file:")
    ? fileURLToPath(entry.originalSource)
    : resolve(dirname(m[1]), entry.originalSource)
  return `${relative(root, source).replace(/^.*?((?:packages|apps)\/)/, "$1")}:${entry.originalLine + 1}`
}

/**
 * The segments of one log: `[{ compiled, functions: Map(key -> count), reoptimised: Map(key ->
 * count), deopts: [{ fn, site, reason, kind }] }]`, a function's key being `name at` (its dist
 * location).
 */
export const jitSegments = (text) => {
  const segments = [{ compiled: 0, functions: new Map(), reoptimised: new Map(), deopts: [] }]
  const codeAt = new Map() // code address -> function key, for the deopts
  const everOptimised = new Set()
  for (const line of text.split("\n")) {
    if (line.startsWith("code-creation,JS,")) {
      const f = fields(line)
      const fn = f[6]
      if (/^jitMark\d+ /.test(fn)) {
        segments.push({ compiled: 0, functions: new Map(), reoptimised: new Map(), deopts: [] })
        continue
      }
      if (f[8] !== "*") continue
      const s = segments[segments.length - 1]
      codeAt.set(f[4], fn)
      s.compiled++
      s.functions.set(fn, (s.functions.get(fn) ?? 0) + 1)
      if (everOptimised.has(fn)) s.reoptimised.set(fn, (s.reoptimised.get(fn) ?? 0) + 1)
      everOptimised.add(fn)
    } else if (line.startsWith("code-deopt,")) {
      const f = fields(line)
      const site = f[7].replace(/^<|>$/g, "")
      const reason = f.slice(8).join(",")
      segments[segments.length - 1].deopts.push({ fn: codeAt.get(f[3]) ?? "?", site, reason, kind: f[6] })
    }
  }
  return segments
}

const describe = (key) => {
  if (key === "?") return "?"
  const { name, at } = functionOf(key)
  return `${name === "" ? "(anonymous)" : name} ${sourceOf(at)}`
}

/** A segment's report: counts, then its deopts by function, site and reason, the re-optimised. */
export const segmentReport = (s, name, top = 25) => {
  const lines = [
    `## ${name}: ${s.compiled} TurboFan compilations of ${s.functions.size} functions, ${[...s.reoptimised.values()].reduce((a, b) => a + b, 0)} re-optimisations of ${s.reoptimised.size}, ${s.deopts.length} deoptimisations`
  ]
  const byReason = new Map()
  for (const d of s.deopts) byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + 1)
  if (byReason.size > 0)
    lines.push(
      `  by reason: ${[...byReason]
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => `${r} ${n}`)
        .join("; ")}`
    )
  const bySite = new Map()
  for (const d of s.deopts) {
    const k = `${describe(d.fn)} | at ${sourceOf(d.site)} | ${d.reason}`
    bySite.set(k, (bySite.get(k) ?? 0) + 1)
  }
  for (const [k, n] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${n} × ${k}`)
  const re = [...s.reoptimised].sort((a, b) => b[1] - a[1]).slice(0, top)
  if (re.length > 0) lines.push(`  re-optimised: ${re.map(([k, n]) => `${describe(k)} ×${n}`).join("; ")}`)
  return lines.join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = fileArg("node bench/jit-log.mjs V8_LOG [--names start,run 1] [--top 25]")
  const names = arg("names", "start + warm-up,run 1,run 2,run 3").split(",")
  const top = Number(arg("top", "25"))
  jitSegments(readFileSync(file, "utf8")).forEach((s, i) => {
    console.log(segmentReport(s, names[i] ?? `segment ${i}`, top))
  })
}
