// CPU per message of the antispam engine alone (no sockets, no disk): the server profile with
// RBL and DNSBL zones answered by a static resolver (cache warm after the first round), a
// recipient directory, temporary rejection on, over messages parsed once. Prints microseconds
// of process CPU (user + system) per evaluated message; compare two builds in one sitting.
// Run: npm run build && node bench/engine-evaluate.mjs [messages=20000] [recipients=2]
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { makeServerAntispam } from "../packages/antispam/dist/index.js"
import { Dns, Envelope, MessageModel } from "../packages/core/dist/index.js"
// effect is not a root dependency: use the copy the packages resolve.
import { Effect } from "../packages/antispam/node_modules/effect/dist/index.js"
import { benchTempDir } from "./temp-dir.mjs"

const MESSAGES = Number(process.argv[2] ?? 20000)
const RECIPIENTS = Number(process.argv[3] ?? 2)
const dir = benchTempDir("mailmoat-engine-bench-")
const directory = join(dir, "recipients.yaml")
writeFileSync(directory, "recipients:\n  vip@example.org:\n    bypassAntispam: true\n")

const zone = {}
for (let i = 0; i < 256; i += 4) zone[`${i}.2.0.192.bl.test`] = { A: ["127.0.0.2"] }
zone["spam.example.dbl.test"] = { A: ["127.0.1.2"] }
const dns = Dns.makeStatic(zone)
const antispam = makeServerAntispam(
  {
    rbl: { servers: ["bl.test"] },
    dnsbl: { servers: ["dbl.test"] },
    bypass: { directory },
    tempReject: { enabled: true },
    endUserBlocklist: { enabled: false }
  },
  { dns, healthIntervalMillis: 0 }
)
const rcptTo = Array.from({ length: RECIPIENTS }, (_, i) => `user${i}@example.org`)
const messages = Array.from({ length: 64 }, (_, i) => {
  const text = `Received: from mx${i}.sender.example (mx${i}.sender.example [192.0.2.${i * 3}])\r\n\tby relay.example; Mon, 1 Dec 2025 00:00:00 +0000\r\nFrom: a${i}@sender.example\r\nTo: user@example.org\r\nSubject: hello ${i}\r\nMessage-ID: <${i}@sender.example>\r\n\r\nSee https://www${i % 3}.${i % 5 === 0 ? "spam" : "ham"}.example/x and 198.51.100.${i}\r\n${"Lorem ipsum dolor sit amet.\r\n".repeat(60)}`
  const bytes = new TextEncoder().encode(text)
  return MessageModel.fromBytes(bytes, {
    envelope: Envelope.make({
      clientAddress: "198.51.100.7",
      helo: "relay.example",
      mailFrom: `a${i}@sender.example`,
      rcptTo
    }),
    size: bytes.length
  })
})
const run = async (n) => {
  for (let i = 0; i < n; i++) await Effect.runPromise(antispam.evaluate(messages[i % messages.length]))
}
await run(2000) // warm: JIT, DNS cache
const cpu = process.cpuUsage()
const t0 = performance.now()
await run(MESSAGES)
const used = process.cpuUsage(cpu)
const wall = performance.now() - t0
await antispam.close()
rmSync(dir, { recursive: true, force: true })
console.log(
  `${MESSAGES} messages x ${RECIPIENTS} recipients: ${((used.user + used.system) / MESSAGES).toFixed(1)} us CPU/message, ${(MESSAGES / (wall / 1000)).toFixed(0)} msgs/s`
)
