// What a listing of the Redis quarantine costs as it grows, in what Redis counts (load does not
// move these): commands the server ran, entries' metadata read (HGETALL), bytes sent to the
// client, and the server's own time in those commands (commandstats' usec, which load moves
// less than the client's wall time; the client's time is printed too).
//
// Starts a redis-server of its own on 127.0.0.1 (ephemeral port, no persistence), writes
// --entries entries in the layout every version writes (message, metadata hash, store-time
// index: main's layout, so this build's first listing migrates it), then runs each operation
// --rounds times with this build's store and, with --against DIR, another checkout's built
// store, alternated (this build first on even rounds):
// - admin page: one recipient's first page (1 in 50 entries), newest received first, 51 entries
//   (the admin API's query);
// - next admin page: the same recipient's page after the first one's last entry (its cursor);
// - text page: the admin listing's text search for one recipient's address (`q`), first page;
// - digest: what was stored in the last hour (the digest's `storedSince`), every entry of it;
// - count: `list({ limit: 0 })` (`/metrics`).
// This build's first listing builds the indexes from the entries (once, printed apart). A build
// without the indexes (main) reads every entry for each filtered or receipt-ordered page.
//
// Run: npm run build && node bench/redis-quarantine-list.mjs [--entries=50000] [--rounds=3] [--against=/tmp/mm-base]
import { spawn } from "node:child_process"
import { rmSync } from "node:fs"
import { createServer } from "node:net"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit === undefined ? fallback : hit.slice(name.length + 3)
}
const entries = Number(arg("entries", "50000"))
const rounds = Number(arg("rounds", "3"))
const against = arg("against", undefined)
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const load = async (checkout) => import(pathToFileURL(join(checkout, "packages/redis/dist/index.js")).href)

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
const port = await freePort()
const dir = benchTempDir("mailmoat-rq-")
const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
  stdio: ["ignore", "pipe", "inherit"]
})
await new Promise((resolve, reject) => {
  let out = ""
  server.stdout.on("data", (d) => {
    out += d
    if (out.includes("Ready to accept connections")) resolve()
  })
  server.once("exit", () => reject(new Error(`redis-server exited: ${out}`)))
})
const url = `redis://127.0.0.1:${port}`

try {
  const here = await load(root)
  const builds = [["this build", here], ...(against ? [[against, await load(against)]] : [])]
  const admin = here.RedisConnection.make({ url, commandTimeoutMillis: 60_000 })
  const redis = admin.client
  await admin.call("ping", (c) => c.ping())

  // Main's layout, as its `put` wrote it (message, metadata hash, store-time index).
  const base = Date.parse("2026-01-01T00:00:00Z")
  const stem = "{mailmoat:quarantine}"
  const message = `Subject: s\r\nFrom: a@b.example\r\n\r\n${"body ".repeat(200)}\r\n`
  const t0 = performance.now()
  for (let from = 0; from < entries; from += 1000) {
    const pipe = redis.pipeline()
    for (let i = from; i < Math.min(entries, from + 1000); i++) {
      const stamp = new Date(base + i * 1000).toISOString().replace(/[-:]/g, "").replace(".", "").slice(0, -1)
      const id = `${stamp}-${i.toString(16).padStart(12, "0")}`
      const meta = {
        id,
        storedAt: new Date(base + i * 1000).toISOString(),
        envelope: {
          clientAddress: "192.0.2.1",
          helo: "h",
          mailFrom: "a@b.example",
          rcptTo: [`u${i % 50}@x.test`],
          tls: false,
          sessionFlags: [],
          receivedAt: base + i * 1000
        },
        recipients: [`u${i % 50}@x.test`],
        reason: "spam",
        verdict: { class: "spam", score: 9, symbols: [{ name: "GTUBE", score: 9, source: "gtube" }] },
        size: message.length,
        subject: "s",
        from: "a@b.example"
      }
      pipe.set(`${stem}:msg:${id}`, message).hset(`${stem}:meta:${id}`, "json", JSON.stringify(meta))
      pipe.zadd(`${stem}:index`, base + i * 1000, id)
    }
    await pipe.exec()
  }
  console.log(`${entries} entries written in ${((performance.now() - t0) / 1000).toFixed(1)} s (load ${loadavg()[0].toFixed(1)})`)

  const cpu = async () => {
    const info = await redis.info("cpu")
    return Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1])
  }
  /**
   * Runs `f`, returning what the server counted meanwhile (commands by name, those run inside
   * scripts included; bytes sent; its CPU seconds) and the client's wall time.
   */
  const measured = async (f) => {
    await redis.config("RESETSTAT")
    const netBefore = Number(/total_net_output_bytes:(\d+)/.exec(await redis.info("stats"))[1])
    const cpuBefore = await cpu()
    const t = performance.now()
    const result = await f()
    const ms = performance.now() - t
    const cpuAfter = await cpu()
    const info = await redis.info("commandstats")
    const netAfter = Number(/total_net_output_bytes:(\d+)/.exec(await redis.info("stats"))[1])
    const calls = {}
    for (const m of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g))
      if (!/^(info|config)/.test(m[1])) calls[m[1]] = Number(m[2])
    // The INFO replies read in between are in the output bytes too: a few KB, left in.
    return { result, ms, calls, cpuMs: (cpuAfter - cpuBefore) * 1000, bytes: netAfter - netBefore }
  }
  const show = (calls) =>
    Object.entries(calls)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(", ")

  const stores = builds.map(([name, build]) => [
    name,
    build.RedisQuarantineStore.make(build.RedisConnection.make({ url, commandTimeoutMillis: 60_000 }))
  ])
  const memoryBefore = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))[1])
  const first = await measured(() => stores[0][1].list({ order: "received", filter: { recipient: "u1@x.test" }, limit: 51 }))
  console.log(
    `this build's first listing (builds the indexes): client ${first.ms.toFixed(0)} ms, Redis CPU ${first.cpuMs.toFixed(0)} ms, ` +
      `${(first.bytes / 1048576).toFixed(1)} MB sent; ${show(first.calls)}`
  )
  const memory = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))[1])
  console.log(
    `redis used_memory ${(memoryBefore / 1048576).toFixed(1)} MB before the indexes, ${(memory / 1048576).toFixed(1)} MB with them ` +
      `(${Math.round((memory - memoryBefore) / entries)} bytes per entry)`
  )

  const hourAgo = new Date(base + (entries - 3600) * 1000).toISOString()
  const ops = {
    "admin page": (s) => s.list({ order: "received", filter: { recipient: "u7@x.test" }, limit: 51 }),
    "next admin page": async (s) => {
      const page = await s.list({ order: "received", filter: { recipient: "u7@x.test" }, limit: 51 })
      const last = page.entries.at(-1)
      const at = new Date(last.envelope.receivedAt).toISOString()
      return s.list({ order: "received", filter: { recipient: "u7@x.test" }, after: { at, id: last.id }, limit: 51 })
    },
    "text page": (s) => s.list({ order: "received", filter: { q: "U7@x.test" }, limit: 51 }),
    digest: (s) => s.list({ limit: Number.MAX_SAFE_INTEGER, filter: { storedSince: hourAgo } }),
    count: (s) => s.list({ limit: 0 })
  }
  const results = new Map(stores.map(([name]) => [name, Object.fromEntries(Object.keys(ops).map((o) => [o, []]))]))
  const answers = new Map()
  for (let r = 0; r < rounds; r++)
    for (const [name, store] of r % 2 === 0 ? stores : [...stores].reverse())
      for (const [op, f] of Object.entries(ops)) {
        const m = await measured(() => f(store))
        results.get(name)[op].push(m)
        const a = `${m.result.total}:${m.result.entries.map((e) => e.id).join(",")}`
        if (answers.has(`${op} ${r}`) && answers.get(`${op} ${r}`) !== a) console.log(`round ${r} ${op}: the answers differ!`)
        answers.set(`${op} ${r}`, a)
      }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const range = (xs) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`
  for (const [name, r] of results)
    for (const op of Object.keys(ops)) {
      const ms = r[op].map((m) => m.ms)
      const cpuMs = r[op].map((m) => m.cpuMs)
      const m = r[op][0]
      console.log(
        `${name}: ${op}: total ${m.result.total}, ${m.result.entries.length} listed; ${(m.bytes / 1024).toFixed(1)} KB sent; ` +
          `Redis CPU median ${median(cpuMs).toFixed(1)} ms (${range(cpuMs)}), client ${median(ms).toFixed(1)} ms (${range(ms)}); ${show(m.calls)}`
      )
    }
  if (against)
    for (const op of Object.keys(ops)) {
      const [a, b] = [results.get("this build")[op], results.get(against)[op]]
      const ratio = (f) => (median(a.map(f)) / median(b.map(f))).toPrecision(2)
      console.log(
        `ratio this/against, ${op}: client time ${ratio((m) => m.ms)}, Redis CPU ${ratio((m) => m.cpuMs)}, bytes ${ratio((m) => m.bytes)}`
      )
    }
  console.log(`load at the end ${loadavg()[0].toFixed(1)}`)
  for (const [, s] of stores) await s.close()
  await admin.close()
} finally {
  server.kill("SIGTERM")
  rmSync(dir, { recursive: true, force: true })
}
