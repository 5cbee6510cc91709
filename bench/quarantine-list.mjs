// How long the embedded (file) quarantine takes to count and to list its entries as it grows:
// `/metrics` counts it on every scrape, the admin API and the quarantine page list it (newest
// received first, filtered by recipient), the CLI pages it by offset.
//
// Fills a temporary quarantine with --entries entries (the store's layout written directly,
// without fsync, which is what makes 50,000 entries quick to set up; with --put the store's own
// `put` is used), then times --rounds of each operation with this build's store and, with
// --against DIR, another checkout's built store, alternated (this build first on even rounds):
// - count: `list({ limit: 0 })` on a warm handle;
// - open + first page: a new handle's first page of 50 (this build reads its index snapshot and
//   the journal after it);
// - new process: a new process's first page of 50 (what `mailmoat quarantine list` does): a child
//   process per round and build imports the store, opens it and lists; it reports the wall time
//   and the CPU time (`process.cpuUsage`, user + system) of the page (from opening the store, the
//   import excluded: the same modules in both builds) and of the whole run from before the
//   import, and the heap it then holds (`--expose-gc`, after a collection);
// - page: the page at offset 1000 on a warm handle (the CLI's `--offset`);
// - admin page: the admin listing's query for one recipient (1 in 50 entries), newest received
//   first, 50 per page; a store without filters in `list` (main before the index) lists every
//   entry and filters and sorts them, as its QuarantineService did.
// It also prints the heap a warm handle holds after a page (in a child process per build) and,
// around one warm admin page there, two failing opens of `/nonexistent/mailmoat-bench-{begin,end}-<i>`,
// so that under `strace -f -e trace=openat -o FILE` the files one page opens can be counted:
//   sed -n '/bench-begin-0/,/bench-end-0/p' FILE | grep -c meta.json   (1 for the --against build)
//
// Run: npm run build && node bench/quarantine-list.mjs [--entries=5000] [--rounds=5] [--against=/tmp/mm-base] [--dir=PATH]
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { benchTempDir } from "./temp-dir.mjs"

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit === undefined ? fallback : hit.slice(name.length + 3)
}
const entries = Number(arg("entries", "5000"))
const rounds = Number(arg("rounds", "5"))
const against = arg("against", undefined)
const usePut = process.argv.includes("--put")
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const load = async (checkout) => {
  const m = await import(pathToFileURL(join(checkout, "packages/platform-node/dist/index.js")).href)
  return { Store: m.FileQuarantineStore, indexed: typeof m.FileQuarantineSweep.checkIndex === "function", m }
}

const here = await load(root)
const builds = [["this build", here], ...(against ? [[against, await load(against)]] : [])]
// --dir=PATH keeps the filled quarantine there (filled once, reused), so a sitting under the
// shared lock measures without filling.
const keep = arg("dir", undefined)
const dir = keep ?? benchTempDir("mailmoat-qlist-")
const filled = existsSync(join(dir, "entries"))
const message = `Subject: s\r\nFrom: a@b.example\r\n\r\n${"body ".repeat(200)}\r\n`
const base = Date.parse("2026-01-01T00:00:00Z")
const envelopeOf = (i) => ({
  clientAddress: "192.0.2.1",
  helo: "h",
  mailFrom: "a@b.example",
  rcptTo: [`u${i % 50}@x.test`],
  tls: false,
  sessionFlags: [],
  receivedAt: base + i * 1000
})
const t0 = performance.now()
if (filled) {
  // reused from an earlier run
} else if (usePut) {
  const filler = here.Store.make({ root: dir, log: () => {} })
  for (let i = 0; i < entries; i++)
    await filler.put({ envelope: envelopeOf(i), reason: "spam", message: new TextEncoder().encode(message) })
} else {
  mkdirSync(join(dir, "entries"), { recursive: true })
  mkdirSync(join(dir, "tmp"), { recursive: true })
  for (let i = 0; i < entries; i++) {
    const stamp = new Date(base + i * 1000).toISOString().replace(/[-:]/g, "").replace(".", "").slice(0, -1)
    const id = `${stamp}-${i.toString(16).padStart(12, "0")}`
    const envelope = envelopeOf(i)
    const meta = {
      id,
      storedAt: new Date(base + i * 1000).toISOString(),
      envelope,
      recipients: envelope.rcptTo,
      reason: "spam",
      verdict: { class: "spam", score: 9, symbols: [{ name: "GTUBE", score: 9, source: "gtube" }] },
      size: message.length,
      subject: "s",
      from: "a@b.example"
    }
    mkdirSync(join(dir, "entries", id))
    writeFileSync(join(dir, "entries", id, "message.eml"), message)
    writeFileSync(join(dir, "entries", id, "meta.json"), JSON.stringify(meta, null, 2))
  }
}
if (!filled) console.log(`${entries} entries written in ${((performance.now() - t0) / 1000).toFixed(1)} s (load ${loadavg()[0].toFixed(1)})`)
if (here.indexed) {
  const t = performance.now()
  const check = await here.m.FileQuarantineSweep.checkIndex(dir)
  console.log(
    `this build's start-up index check: ${check.state} (${check.entries} entries) in ${((performance.now() - t) / 1000).toFixed(2)} s`
  )
}

const time = async (f) => {
  const t = performance.now()
  await f()
  return performance.now() - t
}
const newestFirst = (a, b) => (a.receivedAt === b.receivedAt ? (a.id < b.id ? 1 : -1) : a.receivedAt < b.receivedAt ? 1 : -1)
/** The admin API's first page for one recipient, as each build's admin listing asks its store. */
const adminPage = async (build, store, recipient) => {
  if (build.indexed) return store.list({ order: "received", filter: { recipient }, limit: 51 })
  const all = (await store.list({ limit: Number.MAX_SAFE_INTEGER })).entries
    .map((m) => ({ m, id: m.id, receivedAt: new Date(m.envelope.receivedAt || Date.parse(m.storedAt)).toISOString() }))
    .filter((i) => i.m.recipients.some((r) => r.toLowerCase() === recipient))
    .sort(newestFirst)
  return { total: all.length, entries: all.slice(0, 51).map((i) => i.m) }
}

// In a process of its own per build (nothing else in its heap): the heap a warm handle holds, and
// around one warm admin page two marker opens for strace, `/nonexistent/mailmoat-bench-begin-<i>`
// and `-end-<i>` (i: 0 this build, 1 the --against one; see the header).
for (const [i, [name, build]] of builds.entries()) {
  const dist = pathToFileURL(join(i === 0 ? root : against, "packages/platform-node/dist/index.js")).href
  const probe = `
    const { FileQuarantineStore } = await import(${JSON.stringify(dist)})
    const { openSync } = await import("node:fs")
    const page = ${build.indexed}
      ? (store, recipient) => store.list({ order: "received", filter: { recipient }, limit: 51 })
      : (store) => store.list({ limit: Number.MAX_SAFE_INTEGER })
    globalThis.gc()
    const before = process.memoryUsage().heapUsed
    const store = FileQuarantineStore.make({ root: ${JSON.stringify(dir)}, log: () => {} })
    await page(store, "u1@x.test")
    globalThis.gc()
    const held = process.memoryUsage().heapUsed - before
    const mark = (what) => { try { openSync("/nonexistent/mailmoat-bench-" + what + "-${i}", "r") } catch {} }
    mark("begin")
    await page(store, "u2@x.test")
    mark("end")
    console.log(${JSON.stringify(name)} + ": a warm handle holds " + (held / 1048576).toFixed(1) + " MB of heap after a page (" + Math.round(held / ${entries}) + " bytes per entry)")`
  const { execFileSync } = await import("node:child_process")
  process.stdout.write(execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", probe]))
}

/** A new process's first page: wall and CPU ms from before the import to the page, heap held after. */
const newProcess = async (checkout) => {
  const dist = pathToFileURL(join(checkout, "packages/platform-node/dist/index.js")).href
  const child = `
    const t = performance.now()
    const cpu = process.cpuUsage()
    const { FileQuarantineStore } = await import(${JSON.stringify(dist)})
    const t1 = performance.now()
    const cpu1 = process.cpuUsage()
    const store = FileQuarantineStore.make({ root: ${JSON.stringify(dir)}, log: () => {} })
    const page = await store.list({ limit: 50 })
    const ms = (u) => (u.user + u.system) / 1000
    const wall = performance.now() - t
    const pageWall = performance.now() - t1
    const pageCpu = ms(process.cpuUsage(cpu1))
    const used = ms(process.cpuUsage(cpu))
    globalThis.gc()
    console.log(JSON.stringify({ wall, cpu: used, pageWall, pageCpu, heap: process.memoryUsage().heapUsed, ids: page.entries.map((m) => m.id).join(",") }))`
  const { execFileSync } = await import("node:child_process")
  return JSON.parse(execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", child]).toString())
}

const ops = [
  "count",
  "open + first page",
  "page at offset 1000",
  "admin page",
  "new process's first page",
  "new process's first page, CPU",
  "new process from its start",
  "new process from its start, CPU"
]
const heaps = new Map(builds.map(([name]) => [name, []]))
const results = new Map(builds.map(([name]) => [name, Object.fromEntries(ops.map((o) => [o, []]))]))
const checks = new Map()
for (let r = 0; r < rounds; r++)
  for (const [name, build] of r % 2 === 0 ? builds : [...builds].reverse()) {
    const out = results.get(name)
    const store = build.Store.make({ root: dir, log: () => {} })
    out["open + first page"].push(await time(() => store.list({ limit: 50 })))
    out.count.push(await time(() => store.list({ limit: 0 })))
    out["page at offset 1000"].push(await time(() => store.list({ offset: 1000, limit: 50 })))
    let page
    out["admin page"].push(await time(async () => (page = await adminPage(build, store, `u${r % 50}@x.test`))))
    checks.set(`${name} ${r}`, `${page.total}:${page.entries.map((m) => m.id).join(",")}`)
    const child = await newProcess(name === "this build" ? root : against)
    out["new process's first page"].push(child.pageWall)
    out["new process's first page, CPU"].push(child.pageCpu)
    out["new process from its start"].push(child.wall)
    out["new process from its start, CPU"].push(child.cpu)
    heaps.get(name).push(child.heap)
    checks.set(`${name} ${r} new process`, child.ids)
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const spread = (xs) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`
for (const [name, r] of results)
  for (const op of ops) console.log(`${name}: ${op} median ${median(r[op]).toFixed(1)} ms (${spread(r[op])}, ${rounds} rounds)`)
for (const [name, h] of heaps)
  console.log(`${name}: a new process holds ${(median(h) / 1048576).toFixed(1)} MB of heap after its first page (${Math.round(median(h) / entries)} bytes per entry, all of its heap)`)
if (against) {
  for (const op of ops)
    console.log(`ratio this/against, ${op}: ${(median(results.get("this build")[op]) / median(results.get(against)[op])).toFixed(3)}`)
  for (let r = 0; r < rounds; r++)
    if (checks.get(`this build ${r}`) !== checks.get(`${against} ${r}`)) console.log(`round ${r}: the admin pages differ!`)
  for (let r = 0; r < rounds; r++)
    if (checks.get(`this build ${r} new process`) !== checks.get(`${against} ${r} new process`))
      console.log(`round ${r}: the new processes' first pages differ!`)
}

console.log(`load at the end ${loadavg()[0].toFixed(1)}`)
if (keep === undefined) rmSync(dir, { recursive: true, force: true })
