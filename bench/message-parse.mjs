// Message model benchmark (packages/core, built dist): parse every corpus train message with
// fromBytes and read all facts (headers, Received chain, MIME tree, body texts/URLs/hosts/IPs).
// Run: npx turbo run build --filter=@mailmoat/core && node bench/message-parse.mjs
// Reads /work/shared/corpus/train in place; prints msgs/s and MB/s for a full read and for
// a headers-only read (what a stage that needs no MIME pays).
import { readdirSync, readFileSync } from "node:fs"
import { Envelope, MessageModel } from "../packages/core/dist/index.js"

const root = "/work/shared/corpus/train"
const messages = ["spam", "ham"].flatMap((label) =>
  readdirSync(`${root}/${label}`).map((f) => new Uint8Array(readFileSync(`${root}/${label}/${f}`)))
)
const totalBytes = messages.reduce((n, m) => n + m.length, 0)
const envelope = Envelope.make({ clientAddress: "192.0.2.1" })

const run = (label, read, rounds) => {
  let sink = 0
  for (const m of messages.slice(0, 200)) sink += read(MessageModel.fromBytes(m, { envelope })) // warm-up
  const t = performance.now()
  for (let r = 0; r < rounds; r++) for (const m of messages) sink += read(MessageModel.fromBytes(m, { envelope }))
  const s = (performance.now() - t) / 1000
  const n = messages.length * rounds
  console.log(
    `${label}: ${n} msgs in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} msgs/s, ${((totalBytes * rounds) / 1e6 / s).toFixed(1)} MB/s (sink ${sink})`
  )
}

console.log(`corpus: ${messages.length} messages, ${(totalBytes / 1e6).toFixed(1)} MB`)
run("headers only", (m) => m.headers.list.length, 3)
run("headers + Received", (m) => m.received.length, 3)
run(
  "full (MIME + body facts)",
  (m) => {
    const f = m.body
    return f.urls.length + f.hosts.length + f.ips.length + f.texts.length + f.attachments.length + (f.limitsHit ? 1 : 0)
  },
  2
)

// Parsing-DoS shapes from TESTING #20-#25: one parse each, reading every fact.
const enc = (s) => new TextEncoder().encode(s)
const attacks = {
  "100 000 header fields": () => enc(`${"X-A: 1\r\n".repeat(100_000)}\r\nbody`),
  "10 MiB folded Subject": () => enc(`Subject: a${"\r\n b".repeat(3_500_000)}\r\n\r\n`),
  "50 000 Received": () => enc(`${"Received: from a (a [192.0.2.1]) by b; now\r\n".repeat(50_000)}\r\n`),
  "2 000 000 one-byte-boundary parts": () =>
    enc(`Content-Type: multipart/mixed; boundary=a\r\n\r\n${"--a\r\n\r\n".repeat(2_000_000)}`),
  "10 000 nested multiparts": () =>
    enc(
      Array.from({ length: 10_000 }, (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`).join(
        ""
      )
    ),
  "10 MiB single-line base64": () =>
    enc(
      `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${"QUJD".repeat(2_621_440)}`
    ),
  "5 MiB HTML of anchors": () =>
    enc(`Content-Type: text/html\r\n\r\n${'<a href="http://x.example.com/a">y</a> '.repeat(130_000)}`),
  "5 MiB of dotted junk": () => enc(`Subject: j\r\n\r\n${"1.a-".repeat(1_300_000)}`)
}
for (const [name, make] of Object.entries(attacks)) {
  const bytes = make()
  const t = performance.now()
  const m = MessageModel.fromBytes(bytes, { envelope })
  const f = m.body
  const n =
    m.headers.list.length +
    m.received.length +
    f.urls.length +
    f.hosts.length +
    f.ips.length +
    f.texts.length +
    f.attachments.length
  const ms = performance.now() - t
  console.log(
    `${name}: ${(bytes.length / 1048576).toFixed(1)} MiB in ${ms.toFixed(0)} ms (${(ms / (bytes.length / 1048576)).toFixed(0)} ms/MiB, limitsHit ${f.limitsHit}, ${n} facts)`
  )
}
