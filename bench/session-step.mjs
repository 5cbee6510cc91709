#!/usr/bin/env node
// The pure SMTP session state machine alone (packages/protocols' built dist): µs per session of
// `Session.step` over the events of one bench/transport.mjs session (Connected, its answer, EHLO,
// MAIL and its answer, RCPT and its answer, DATA, the end of data and its answer, QUIT), no I/O.
// With --against DIR the same in DIR's build, rounds alternated; median and range per build.
//
//   node bench/session-step.mjs [--sessions 200000] [--rounds 9] [--against /tmp/mm-base]
import { pathToFileURL } from "node:url"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const sessions = Number(arg("sessions", "200000"))
const rounds = Number(arg("rounds", "9"))
const against = arg("against", undefined)

const load = async (dir) => (await import(pathToFileURL(join(dir, "packages/protocols/dist/index.js")).href)).Smtp

const config = {
  hostname: "gw.bench.example",
  banner: "ESMTP Mailmoat",
  maxMessageSize: 64 * 1024 * 1024,
  maxRecipients: 100,
  maxBadCommands: 10,
  tlsAvailable: false,
  authAvailable: false,
  bareLineEndings: "normalise",
  maxDataLineLength: 0,
  maxCommands: 5000,
  maxTransactions: 100,
  maxHops: 50
}
const facts = { id: "s1", clientAddress: "127.0.0.1", clientPort: 40000, localAddress: "127.0.0.1", localPort: 25 }
const line = (text) => ({ _tag: "Line", line: Buffer.from(text), bareLf: false, pipelined: false, at: 0 })
const events = [
  { _tag: "Connected" },
  { _tag: "ConnectAnswered", reply: undefined, earlyTalker: false },
  line("EHLO client.example"),
  line("MAIL FROM:<s@client.example>"),
  { _tag: "Answered", reply: undefined },
  line("RCPT TO:<rcpt@example.net>"),
  { _tag: "Answered", reply: undefined },
  line("DATA"),
  {
    _tag: "DataEnded",
    stats: { size: 4300, bareLf: 0, bareCr: 0, nul: 0, longestLine: 20 },
    storeFailed: false,
    hops: 0
  },
  { _tag: "Answered", reply: { code: 250, enhanced: "2.0.0", text: "Ok queued" } },
  line("QUIT")
]

const run = (Smtp, n) => {
  let replies = 0
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    let s = Smtp.initialState(config, facts)
    for (const ev of events) {
      const next = Smtp.Session.step(s, ev)
      s = next.state
      replies += next.replies.length
    }
  }
  const ns = Number(process.hrtime.bigint() - t0)
  if (replies !== n * 7) throw new Error(`expected 7 replies a session, got ${replies / n}`)
  return ns / n / 1000
}

const builds = [{ name: "here", Smtp: await load(root) }]
if (against !== undefined) builds.push({ name: against, Smtp: await load(resolve(against)) })
for (const b of builds) run(b.Smtp, sessions / 4) // warm-up
const times = new Map(builds.map((b) => [b.name, []]))
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse()
  for (const b of order) times.get(b.name).push(run(b.Smtp, sessions))
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`| build (${sessions} sessions x ${rounds} rounds) | µs per session, median | range |`)
console.log("|---|---|---|")
for (const [name, xs] of times)
  console.log(`| ${name} | ${median(xs).toFixed(3)} | ${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)} |`)
