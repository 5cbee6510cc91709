#!/usr/bin/env node
// Bytes allocated per call of single allocation sites on the SMTP path, in this checkout's build
// and in others (`--against DIR`, a checkout with its own build), one process each, in turn: the
// figures a site's change is judged by when the harness's per-message profile
// (bench/survivor-probe.mjs with MM_SURVIVOR_MODE=allocated, read by bench/alloc-summary.mjs
// --by-source) cannot tell a few hundred bytes from its sampling. V8's sampling heap profiler, every
// 64 bytes on average, collected objects included, after a warm-up of the same calls (so the
// JIT's own allocations are left out). Byte counts do not move with the machine's load.
//
//   npm run build && node bench/alloc-sites.mjs [--against /tmp/mm-base29] [--calls 20000]
//
// Sites (inputs shaped like the peer workload's messages):
// - `fold`: our Authentication-Results field (one line of ~260 characters) prepended to a
//   message's header block, as the hand-off does for every scanned message
//   (`MessageModel.HeaderEdit.editHeaderBlock` of an empty block, which folds the value).
// - `actionOf spam, onSpam none`: the action for a spam verdict of 12 symbols delivered with its
//   headers (the peer workload's policy).
// - `command lines`: a session's five command lines (EHLO, MAIL, RCPT, DATA, QUIT) read from one
//   chunk by the SMTP ingress's line reader (`Smtp.SmtpLineReader`), each line decoded.
import { spawnSync } from "node:child_process"
import { resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const calls = Number(arg("calls", "20000"))

const authResults =
  "gw.bench.example; spf=temperror (DNS error: queryTxt EREFUSED exderatek.com) smtp.mailfrom=of.password@exderatek.com; " +
  "dkim=none (message not signed); dmarc=temperror (DNS error: queryTxt EREFUSED _dmarc.exderatek.com) " +
  "header.from=exderatek.com; arc=none"

/** The sites, given the checkout's core package: name -> a call. */
const sites = (core, protocols) => {
  const { MessageModel, Policy } = core
  const commands = new TextEncoder().encode(
    "EHLO client.example\r\nMAIL FROM:<of.password@exderatek.com>\r\nRCPT TO:<user0@example.net>\r\nDATA\r\nQUIT\r\n"
  )
  const latin1 = new TextDecoder("latin1")
  const empty = new Uint8Array(0)
  const symbols = Array.from({ length: 12 }, (_, i) => ({ name: `SYMBOL_${i % 10}`, score: 0.5 + i, detail: "d" }))
  const spam = { class: "spam", score: 12.5, probability: 0.9981, symbols, trace: [] }
  return {
    fold: () => MessageModel.HeaderEdit.editHeaderBlock(empty, { prepend: [["Authentication-Results", authResults]] }),
    "actionOf spam, onSpam none": () => Policy.actionOf(spam, { onSpam: "none" }, "policy"),
    "command lines": () => {
      const reader = new protocols.Smtp.SmtpLineReader(4096)
      reader.push(commands)
      let n = 0
      for (let ev = reader.next(); ev !== undefined; ev = reader.next()) n += latin1.decode(ev.line).length
      return n
    }
  }
}

const measure = async (root) => {
  const { Session } = await import("node:inspector")
  const core = await import(pathToFileURL(resolve(root, "packages/core/dist/index.js")).href)
  const protocols = await import(pathToFileURL(resolve(root, "packages/protocols/dist/index.js")).href)
  const session = new Session()
  session.connect()
  const post = (method, params) =>
    new Promise((ok, fail) => session.post(method, params, (e, v) => (e ? fail(e) : ok(v))))
  const total = (node) => node.selfSize + node.children.reduce((s, c) => s + total(c), 0)
  const out = {}
  for (const [name, call] of Object.entries(sites(core, protocols))) {
    let keep = 0
    for (let i = 0; i < calls; i++) keep ^= call() === undefined ? 0 : 1
    await post("HeapProfiler.startSampling", {
      samplingInterval: 64,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true
    })
    for (let i = 0; i < calls; i++) keep ^= call() === undefined ? 0 : 1
    const { profile } = await post("HeapProfiler.getSamplingProfile")
    await post("HeapProfiler.stopSampling")
    out[name] = total(profile.head) / calls
    if (keep === 2) console.log("")
  }
  return out
}

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(await measure(process.argv[3])))
} else {
  const roots = [here, ...process.argv.flatMap((a, i) => (process.argv[i - 1] === "--against" ? [resolve(a)] : []))]
  const rows = roots.map((root) => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", root, "--calls", String(calls)], {
      encoding: "utf8"
    })
    if (r.status !== 0) throw new Error(`alloc-sites: ${root}: ${r.stderr}`)
    return { root, bytes: JSON.parse(r.stdout) }
  })
  const names = Object.keys(rows[0].bytes)
  console.log(`| site (bytes per call, ${calls} calls) | ${rows.map((r) => r.root).join(" | ")} |`)
  console.log(`|---|${rows.map(() => "---").join("|")}|`)
  for (const name of names)
    console.log(`| ${name} | ${rows.map((r) => r.bytes[name]?.toFixed(0) ?? "-").join(" | ")} |`)
}
