// The message analysis alone (packages/core's `MessageModel.fromBytes`, built dist) on the peer
// workload's messages (../shared/peers-bench, generated as its gen-corpus.js does, CRLF line ends
// as the gateway receives them), this build against another in alternated pairs: CPU (process
// user + system) and bytes allocated (sampled, collected objects included) per message for each
// read a stage makes: the header fields, the Received hops, the MIME tree, the body facts, and
// all of them. Each run is a fresh process (`--one`), so both builds start alike; the order
// alternates by pair and the load average before each pair is printed. The CPU figure is the
// fastest of `--rounds` passes over the messages (the least disturbed by other processes).
//
//   npm run build && node bench/analysis-pairs.mjs --checkout /tmp/mm-base [--pairs 6] [--rounds 20]
//
// Prints, per read, this build's and the other's median µs and bytes per message and the
// ratios' median and spread over the pairs.
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { harnessCorpus } from "./harness-corpus.mjs"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const rounds = Number(arg("rounds", "20"))

const READS = {
  headers: (m) => m.headers.list.length,
  received: (m) => m.received.length,
  mime: (m) => m.mime.children.length,
  body: (m) => m.body.urls.length + m.body.texts.length,
  all: (m) => m.headers.list.length + m.received.length + m.body.urls.length + m.body.texts.length
}

/** One build's figures in this process: `{ read: { us, bytes } }`. */
const measure = async (root, corpus, files) => {
  const { Envelope, MessageModel } = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href)
  const envelope = Envelope.make({ clientAddress: "192.0.2.1" })
  const messages = files.map(
    (f) => new Uint8Array(Buffer.from(readFileSync(join(corpus, f), "latin1").replace(/\n/g, "\r\n"), "latin1"))
  )
  const out = {}
  let sink = 0
  const pass = (read) => {
    for (const bytes of messages) sink += read(MessageModel.fromBytes(bytes, { envelope }))
  }
  for (const [name, read] of Object.entries(READS)) {
    for (let r = 0; r < 5; r++) pass(read) // warm-up
    // Each round timed alone; the fastest one counts (the rounds that other processes' load
    // slowed are passed over, as far as one round in `rounds` escapes it).
    let fastest = Number.POSITIVE_INFINITY
    for (let r = 0; r < rounds; r++) {
      const before = process.cpuUsage()
      pass(read)
      const used = process.cpuUsage(before)
      fastest = Math.min(fastest, used.user + used.system)
    }
    const session = new Session()
    session.connect()
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true
    })
    for (let r = 0; r < 3; r++) pass(read)
    const { profile } = await session.post("HeapProfiler.stopSampling")
    session.disconnect()
    let bytes = 0
    const walk = (node) => {
      bytes += node.selfSize
      for (const child of node.children) walk(child)
    }
    walk(profile.head)
    out[name] = { us: fastest / messages.length, bytes: bytes / (3 * messages.length) }
  }
  if (sink < 0) console.error(sink)
  return out
}

if (process.argv.includes("--one")) {
  const [root, corpus, list] = process.argv.slice(process.argv.indexOf("--one") + 1)
  console.log(JSON.stringify(await measure(root, corpus, readFileSync(list, "utf8").split("\n").filter(Boolean))))
} else {
  const other = resolve(arg("checkout", "/tmp/mm-base"))
  const pairs = Number(arg("pairs", "6"))
  const { writeFileSync } = await import("node:fs")
  const { work, corpus, files } = harnessCorpus(
    resolve(arg("harness", join(here, "..", "shared", "peers-bench"))),
    "mailmoat-analysis-pairs-"
  )
  const list = join(work, "files.txt")
  writeFileSync(list, files.join("\n"))
  const run = (root) => {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--rounds", String(rounds), "--one", root, corpus, list],
      {
        encoding: "utf8"
      }
    )
    if (r.status !== 0) throw new Error(r.stderr)
    return JSON.parse(r.stdout)
  }
  const mine = []
  const theirs = []
  for (let p = 0; p < pairs; p++) {
    const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0]
    if (p % 2 === 0) {
      mine.push(run(here))
      theirs.push(run(other))
    } else {
      theirs.push(run(other))
      mine.push(run(here))
    }
    const ratio = (k) => (mine[p][k].us / theirs[p][k].us).toFixed(2)
    console.log(`pair ${p + 1} (${p % 2 === 0 ? "this first" : "other first"}, load ${load}): all ×${ratio("all")}`)
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
  console.log(`${files.length} messages, ${rounds} rounds a run, ${pairs} pairs; this build against ${other}`)
  console.log("read       µs/msg this  other  ratio (spread)        bytes/msg this  other  ratio")
  for (const k of Object.keys(READS)) {
    const us = mine.map((m, i) => m[k].us / theirs[i][k].us)
    const by = mine.map((m, i) => m[k].bytes / theirs[i][k].bytes)
    console.log(
      `${k.padEnd(10)} ${median(mine.map((m) => m[k].us))
        .toFixed(1)
        .padStart(12)} ${median(theirs.map((m) => m[k].us))
        .toFixed(1)
        .padStart(
          6
        )}  ×${median(us).toFixed(2)} (×${Math.min(...us).toFixed(2)}-×${Math.max(...us).toFixed(2)})  ${median(
        mine.map((m) => m[k].bytes)
      )
        .toFixed(0)
        .padStart(14)} ${median(theirs.map((m) => m[k].bytes))
        .toFixed(0)
        .padStart(6)}  ×${median(by).toFixed(2)}`
    )
  }
}
