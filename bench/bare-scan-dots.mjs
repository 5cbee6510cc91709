// Milliseconds to compute the body facts of a plain-text message whose text has many dots and
// few colons (`x. ` 20,000 times, then 50 lines with a URL, an address and a host name): the
// bare host/address scan once searched the rest of the text for the next colon at every dot.
// Compare two builds in one sitting, alternating:
//
//   node bench/bare-scan-dots.mjs [--checkout DIR] [--rounds 20]
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const root = resolve(arg("checkout", fileURLToPath(new URL("..", import.meta.url))))
const rounds = Number(arg("rounds", "20"))
const { Envelope, MessageModel } = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href)
const envelope = Envelope.make({
  clientAddress: "192.0.2.1",
  helo: "x",
  mailFrom: "a@b.example",
  rcptTo: ["r@d.example"]
})
const body = `${"x. ".repeat(20000)}\r\n${"see http://example.com/ and 192.0.2.1: host.example.org\r\n".repeat(50)}`
const raw = Buffer.from(`Subject: t\r\nContent-Type: text/plain\r\n\r\n${body}`, "latin1")
let hosts = 0
const start = process.hrtime.bigint()
for (let i = 0; i < rounds; i++) hosts += MessageModel.fromBytes(raw, { envelope }).body.hosts.length
const ms = Number(process.hrtime.bigint() - start) / 1e6 / rounds
console.log(`${root}: ${ms.toFixed(2)} ms per message (${hosts / rounds} hosts)`)
