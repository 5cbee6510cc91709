// The embedded DNS cache store when it is full and every question is new (mail from new senders):
// microseconds per `set`, the store as built (`makeMemoryStore`, the oldest sixteenth dropped at
// once) against dropping one entry per insert (the store before 2026-12-04 evening), alternated.
//
//   npm run build && node bench/dns-cache-evict.mjs [--entries 10000] [--inserts 200000] [--checkout DIR]
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const root = resolve(arg("checkout", here))
const entries = Number(arg("entries", "10000"))
const inserts = Number(arg("inserts", "200000"))
const { Dns } = await import(pathToFileURL(join(root, "packages/core/dist/index.js")).href)
const { Effect } = await import(pathToFileURL(join(root, "packages/core/node_modules/effect/dist/index.js")).href)

/** One entry dropped per insert past the bound. */
const oneByOne = (max) => {
  const map = new Map()
  return {
    set: (key, entry) =>
      Effect.sync(() => {
        map.delete(key)
        map.set(key, entry)
        while (map.size > max) map.delete(map.keys().next().value)
      })
  }
}

const time = (store) => {
  const entry = (i) => ({ outcome: { _tag: "NotFound", detail: "ENOTFOUND" }, expiresAt: i })
  for (let i = 0; i < entries; i++) Effect.runSync(store.set(`A ${i}.198.51.100.bl.test`, entry(i)))
  const t0 = performance.now()
  for (let i = entries; i < entries + inserts; i++) Effect.runSync(store.set(`A ${i}.198.51.100.bl.test`, entry(i)))
  return ((performance.now() - t0) * 1000) / inserts
}

for (let round = 0; round < 3; round++) {
  const batched = time(Dns.makeMemoryStore(entries))
  const single = time(oneByOne(entries))
  console.log(
    `round ${round + 1}: makeMemoryStore ${batched.toFixed(2)} us/set, one by one ${single.toFixed(2)} us/set (x${(single / batched).toFixed(1)})`
  )
}
