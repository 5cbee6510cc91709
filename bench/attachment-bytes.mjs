#!/usr/bin/env node
// Bytes the attachment stage allocates per message (collected objects included), over messages
// whose parts carry file names in the shapes clients write: ASCII names, RFC 2231 (UTF-8,
// percent-encoded), RFC 2047 words in quoted names (Outlook, older Thunderbird), a Content-Type
// `name` that differs from the Content-Disposition `filename`, and names long enough (over 256
// characters of header) that the parameter memo does not keep them. Every name is new to the
// process, as it is on a gateway.
//
// Both builds are loaded in one process (this checkout and `--base DIR`, a built tree) and
// measured in alternated rounds with V8's sampling heap profiler: `stage` is the stage alone over
// messages parsed beforehand, `parse+stage` the parse of the MIME tree and the stage together.
// Before measuring, the symbols of every message are compared between the builds.
//
//   npx turbo run build --filter=@mailmoat/antispam && node bench/attachment-bytes.mjs [--base /tmp/mm-base] [--messages 2000] [--rounds 6] [--interval 128]
import { Session } from "node:inspector/promises"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const count = Number(arg("messages", "2000"))
const rounds = Number(arg("rounds", "6"))
const interval = Number(arg("interval", "128"))
const base = resolve(arg("base", "/tmp/mm-base"))

// A seeded generator, so both builds (and every run) see the same messages.
let seed = 0x2545f491
const random = () => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 4294967296
}
const pick = (list) => list[Math.floor(random() * list.length)]
const WORDS = [
  "invoice",
  "report",
  "scan",
  "photo",
  "Rechnung",
  "facture",
  "договор",
  "発注書",
  "résumé",
  "Überweisung"
]
const EXTENSIONS = ["pdf", "docx", "xlsx", "jpg", "zip", "exe", "js", "html"]
const nameOf = (i) => `${pick(WORDS)}-${i}-${Math.floor(random() * 1e6)}.${pick(EXTENSIONS)}`
const rfc2231 = (key, name) =>
  `${key}*=utf-8''${[...Buffer.from(name, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("")}`
const rfc2047 = (key, name) => `${key}="=?utf-8?B?${Buffer.from(name, "utf8").toString("base64")}?="`
const quoted = (key, name) => `${key}="${name}"`

/** One named part: its Content-Type and Content-Disposition parameters in one of the shapes. */
const part = (i) => {
  const shape = Math.floor(random() * 5)
  const name = shape === 4 ? `long-${i}-${"y".repeat(270)}.${pick(EXTENSIONS)}` : nameOf(i)
  const ascii = /^[\x20-\x7e]*$/.test(name)
  const [type, disposition] =
    shape === 0
      ? [quoted("name", ascii ? name : `file-${i}.pdf`), quoted("filename", ascii ? name : `file-${i}.pdf`)]
      : shape === 1
        ? [rfc2231("name", name), rfc2231("filename", name)]
        : shape === 2
          ? [rfc2047("name", name), rfc2047("filename", name)]
          : shape === 3
            ? [rfc2047("name", nameOf(i)), rfc2231("filename", name)]
            : [quoted("name", name), quoted("filename", name)]
  return [
    "--b1",
    `Content-Type: application/octet-stream; ${type}`,
    "Content-Transfer-Encoding: base64",
    `Content-Disposition: attachment; ${disposition}`,
    "",
    Buffer.from(`contents of part ${i}\n`.repeat(8)).toString("base64"),
    ""
  ].join("\r\n")
}
const messages = Array.from({ length: count }, (_, i) => {
  const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => part(i * 4 + k))
  return Buffer.from(
    [
      "From: a@example.net",
      "To: b@example.org",
      `Subject: files ${i}`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Please find the files attached.",
      "",
      ...parts,
      "--b1--",
      ""
    ].join("\r\n"),
    "latin1"
  )
})

const load = async (label, root) => {
  const core = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href)
  const antispam = await import(pathToFileURL(join(root, "packages/antispam/dist/index.js")).href)
  const { Effect } = await import(pathToFileURL(join(root, "packages/core/node_modules/effect/dist/index.js")).href)
  const settings = antispam.resolveAntispamSettings({})
  const folder = antispam.StageSets.BUILTINS.find((b) => "attachments" in b.options)
  const stage = folder.server.map((f) => f({ settings })).find((s) => s?.name === "attachments")
  const envelope = core.Envelope.make({
    clientAddress: "192.0.2.1",
    mailFrom: "a@example.net",
    rcptTo: ["b@example.org"]
  })
  const parse = (bytes) => core.MessageModel.fromBytes(bytes, { envelope })
  const judge = (message) => Effect.runSync(stage.run({ phase: "data", message })).symbols
  return { label, stage, parse, judge }
}

const builds = [await load("this", here), await load("base", base)]
const parsed = builds.map((b) => messages.map((m) => b.parse(m)))
for (const list of parsed) for (const m of list) void m.mime

// Same symbols (names and details) for every message.
let same = 0
const hits = new Map()
for (let i = 0; i < count; i++) {
  const [a, b] = builds.map((build, k) => JSON.stringify(build.judge(parsed[k][i])))
  if (a === b) same++
  for (const s of JSON.parse(a)) hits.set(s.name, (hits.get(s.name) ?? 0) + 1)
}
console.log(
  `${count} messages: symbols identical in ${same}/${count}; hits ${JSON.stringify(Object.fromEntries(hits))}`
)

const session = new Session()
session.connect()
const sampled = async (work) => {
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: interval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true
  })
  work()
  const { profile } = await session.post("HeapProfiler.getSamplingProfile")
  await session.post("HeapProfiler.stopSampling")
  let total = 0
  const visit = (node) => {
    total += node.selfSize
    for (const c of node.children) visit(c)
  }
  visit(profile.head)
  return total / count
}
const measures = {
  stage: (k) => () => {
    for (const m of parsed[k]) builds[k].judge(m)
  },
  "parse+stage": (k) => () => {
    for (const bytes of messages) builds[k].judge(builds[k].parse(bytes))
  }
}
// Warm both builds (compiled code, memo) before the first sample.
for (const make of Object.values(measures)) for (let k = 0; k < builds.length; k++) make(k)()

for (const [name, make] of Object.entries(measures)) {
  const ratios = []
  const perBuild = builds.map(() => [])
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0]
    const bytes = []
    for (const k of order) bytes[k] = await sampled(make(k))
    bytes.forEach((b, k) => perBuild[k].push(b))
    ratios.push(bytes[0] / bytes[1])
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const kb = (xs) => `${(median(xs) / 1024).toFixed(2)} KB (${xs.map((x) => (x / 1024).toFixed(2)).join(" ")})`
  console.log(`${name}: this ${kb(perBuild[0])}, base ${kb(perBuild[1])} per message`)
  console.log(
    `${name}: this/base median x${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`
  )
}
