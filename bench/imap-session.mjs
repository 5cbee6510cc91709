// The IMAP proxy session's own cost per server byte, without sockets or Dovecot: a recorded-shape
// answer to `FETCH 1:200 BODY.PEEK[]` (200 messages of ~4.6 KiB, as bench/proxy-fetch.mjs has
// them) fed in 64 KiB reads to a fresh ImapSession, this build's against another build's
// (`--base DIR`, e.g. /tmp/mm-base), in alternated rounds. Prints the per-round ratio of CPU
// (process user+system) this/base: median and range.
// Run: npx turbo run build --filter=@mailmoat/protocols && node bench/imap-session.mjs --base /tmp/mm-base [rounds=30]
import { resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const option = (name) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const here = fileURLToPath(new URL("..", import.meta.url))
const load = async (tree) => (await import(pathToFileURL(resolve(tree, "packages/protocols/dist/index.js")).href)).Imap
const base = option("base")
if (base === undefined) throw new Error("--base DIR: the other build to compare with")
const builds = [
  { label: "this", Imap: await load(here) },
  { label: "base", Imap: await load(base) }
]
const rounds = Number(process.argv.find((a, i) => i > 1 && /^\d+$/.test(a) && process.argv[i - 1] !== "--base") ?? 30)

const message = (i) =>
  `From: sender${i}@example.test\r\nTo: user@example.test\r\nSubject: message ${i}\r\n\r\n${"lorem ipsum dolor sit amet, consectetur adipiscing elit\r\n".repeat(80)}`
let stream = "* OK ready\r\n"
for (let i = 1; i <= 200; i++) {
  const m = message(i)
  stream += `* ${i} FETCH (UID ${i} FLAGS (\\Seen) BODY[] {${m.length}}\r\n${m})\r\n`
}
stream += "a1 OK Fetch completed.\r\n"
const bytes = Buffer.from(stream, "latin1")
const READ = 65536

/** CPU microseconds for `passes` sessions answering the whole stream. */
const run = (Imap, passes) => {
  const start = process.cpuUsage()
  let events = 0
  for (let p = 0; p < passes; p++) {
    const session = new Imap.ImapSession()
    session.fromClient(Buffer.from("a1 FETCH 1:200 BODY.PEEK[]\r\n", "latin1"))
    for (let o = 0; o < bytes.length; o += READ) events += session.fromServer(bytes.subarray(o, o + READ)).length
  }
  const used = process.cpuUsage(start)
  if (events === 0) throw new Error("no events")
  return used.user + used.system
}

for (const b of builds) run(b.Imap, 20) // warm-up
const ratios = []
const totals = { this: 0, base: 0 }
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse()
  const cpu = {}
  for (const b of order) cpu[b.label] = run(b.Imap, 40)
  ratios.push(cpu.this / cpu.base)
  totals.this += cpu.this
  totals.base += cpu.base
}
ratios.sort((a, b) => a - b)
const median = ratios[Math.floor(ratios.length / 2)]
console.log(
  `session CPU this/base: x${median.toFixed(3)} (${ratios[0].toFixed(3)}-${ratios[ratios.length - 1].toFixed(3)}), ${rounds} rounds of 40 passes over ${(bytes.length / 1024).toFixed(0)} KiB; per pass this ${(totals.this / rounds / 40 / 1000).toFixed(2)} ms, base ${(totals.base / rounds / 40 / 1000).toFixed(2)} ms`
)
