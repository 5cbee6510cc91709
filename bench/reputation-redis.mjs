#!/usr/bin/env node
// What reputation costs Redis per message, in counts (no timing): the server antispam profile
// (built packages) judging N messages with its reputation store on a real redis-server, section
// off and on. Counts the store's calls (each one pipeline, one round trip) and the commands Redis
// ran (INFO commandstats, before and after), per message.
//
//   node bench/reputation-redis.mjs [--messages 200]
//
// Needs `npm run build` and redis-server on the PATH; starts redis-server on a free loopback port
// and stops it by PID.
import { spawn } from "node:child_process"
import {} from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const load = (p) => import(pathToFileURL(join(root, p)).href)
const { Dns, Envelope, MessageModel } = await load("packages/core/dist/index.js")
const { makeServerAntispam } = await load("packages/antispam/dist/index.js")
const { RedisConnection, RedisReputationStore } = await load("packages/redis/dist/index.js")
const { Effect } = await load("packages/core/node_modules/effect/dist/index.js")

const i = process.argv.indexOf("--messages")
const messages = i > 0 ? Number(process.argv[i + 1]) : 200

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port
    s.close(() => resolve(p))
  })
})
const dir = benchTempDir("mailmoat-rep-bench-")
const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir], {
  stdio: "ignore"
})
const connection = RedisConnection.make({ url: `redis://127.0.0.1:${port}` })
for (let t = 0; t < 50; t++) {
  try {
    await connection.call("ping", (c) => c.ping())
    break
  } catch {
    await new Promise((r) => setTimeout(r, 100))
  }
}

const commandstats = async () => {
  const text = await connection.call("info", (c) => c.info("commandstats"))
  const out = {}
  for (const m of text.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) out[m[1]] = Number(m[2])
  return out
}
const zone = { "7.2.0.192.bl.test": { A: ["127.0.0.2"] }, "example.net": { TXT: ["v=spf1 ip4:192.0.2.0/24 -all"] } }
const message = (n) =>
  MessageModel.fromBytes(
    new TextEncoder().encode(
      `From: a@example.net\r\nSubject: ${n}\r\nMessage-ID: <${n}@example.net>\r\n\r\nhello ${n}\r\n`
    ),
    {
      envelope: Envelope.make({
        clientAddress: `192.0.2.${n % 16}`,
        mailFrom: "a@example.net",
        rcptTo: ["u@example.org"],
        helo: "mx.example.net"
      })
    }
  )

const measure = async (enabled) => {
  const store = RedisReputationStore.make(RedisConnection.make({ url: `redis://127.0.0.1:${port}` }))
  const calls = { lookup: 0, record: 0 }
  const counted = {
    describe: store.describe,
    lookup: (k, w) => (calls.lookup++, store.lookup(k, w)),
    record: (k, l, w) => (calls.record++, store.record(k, l, w)),
    close: store.close
  }
  const m = makeServerAntispam(
    {
      rbl: { servers: ["bl.test"], skip: [] },
      endUserBlocklist: { enabled: false },
      reputation: { enabled, minMessages: 3 }
    },
    { dns: Dns.makeStatic(zone), healthIntervalMillis: 0, reputationStore: counted }
  )
  const before = await commandstats()
  for (let n = 0; n < messages; n++) await Effect.runPromise(m.evaluate(message(n)))
  await new Promise((r) => setTimeout(r, 200)) // the detached updates
  const after = await commandstats()
  await m.close()
  await store.close()
  const per = (x) => (x / messages).toFixed(2)
  const cmds = Object.keys(after)
    .filter((k) => k !== "info" && (after[k] ?? 0) - (before[k] ?? 0) > 0)
    .map((k) => `${k} ${per(after[k] - (before[k] ?? 0))}`)
  console.log(
    `reputation ${enabled ? "on " : "off"}: store calls per message: lookup ${per(calls.lookup)}, record ${per(calls.record)}; Redis commands per message: ${cmds.join(", ") || "none"}`
  )
}
try {
  await measure(false)
  await measure(true)
} finally {
  await connection.close()
  redis.kill("SIGTERM")
}
