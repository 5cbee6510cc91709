// How long the embedded (file) quarantine takes to count and to list its entries as it grows:
// `/metrics` counts it on every scrape, the admin API and the quarantine page list it.
// Fills a temporary store with --entries messages once, then times --rounds of each operation
// with this build's store and, with --against DIR, another checkout's built store, alternated.
//
// Run: npm run build && node bench/quarantine-list.mjs [--entries=5000] [--rounds=5] [--against=/tmp/mm-base]
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit === undefined ? fallback : hit.slice(name.length + 3)
}
const entries = Number(arg("entries", "5000"))
const rounds = Number(arg("rounds", "5"))
const against = arg("against", undefined)
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const load = async (checkout) =>
  (await import(pathToFileURL(join(checkout, "packages/platform-node/dist/index.js")).href)).FileQuarantineStore

const here = await load(root)
const builds = [["this build", here], ...(against ? [[against, await load(against)]] : [])]
const dir = mkdtempSync(join(tmpdir(), "mailmoat-qlist-"))
const filler = here.make({ root: dir })
const message = new TextEncoder().encode(`Subject: s\r\nFrom: a@b.example\r\n\r\n${"body ".repeat(200)}\r\n`)
const t0 = performance.now()
for (let i = 0; i < entries; i++)
  await filler.put({
    envelope: {
      clientAddress: "192.0.2.1",
      helo: "h",
      mailFrom: "a@b.example",
      rcptTo: [`u${i % 50}@x.test`],
      tls: false,
      sessionFlags: [],
      receivedAt: 1
    },
    reason: "spam",
    message
  })
console.log(
  `${entries} entries stored in ${((performance.now() - t0) / 1000).toFixed(1)} s (load ${(await import("node:os")).loadavg()[0].toFixed(1)})`
)

const time = async (f) => {
  const t = performance.now()
  await f()
  return performance.now() - t
}
const results = new Map(builds.map(([name]) => [name, { count: [], page: [] }]))
for (let r = 0; r < rounds; r++)
  for (const [name, Store] of r % 2 === 0 ? builds : [...builds].reverse()) {
    const store = Store.make({ root: dir })
    results.get(name).count.push(await time(() => store.list({ limit: 0 })))
    results.get(name).page.push(await time(() => store.list({ limit: 50 })))
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [name, r] of results)
  console.log(
    `${name}: count median ${median(r.count).toFixed(1)} ms, first page of 50 median ${median(r.page).toFixed(1)} ms (${rounds} rounds)`
  )
rmSync(dir, { recursive: true, force: true })
