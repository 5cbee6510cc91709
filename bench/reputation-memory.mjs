#!/usr/bin/env node
// Heap per key of the embedded reputation store (built package): 100,000 keys holding 1, 4 and 20
// time buckets each (20 is the most a key holds), measured after a full collection.
//
//   node --expose-gc bench/reputation-memory.mjs
import { fileURLToPath, pathToFileURL } from "node:url"

if (typeof globalThis.gc !== "function") {
  console.error("bench/reputation-memory: run with node --expose-gc")
  process.exit(2)
}
const root = fileURLToPath(new URL("..", import.meta.url))
const { Reputation } = await import(pathToFileURL(`${root}packages/antispam/dist/index.js`).href)
const KEYS = 100_000
const w = Reputation.Decay.windowAt(Date.now(), 72)
const kept = []
for (const buckets of [1, 4, 20]) {
  globalThis.gc()
  const before = process.memoryUsage().heapUsed
  const store = Reputation.MemoryReputationStore.make(2 * KEYS)
  for (let i = 0; i < KEYS; i++) {
    const keys = [`ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]
    for (let b = buckets - 1; b >= 0; b--)
      await store.record(keys, i % 2 ? "ham" : "spam", { ...w, bucket: w.bucket - b })
  }
  globalThis.gc()
  const after = process.memoryUsage().heapUsed
  console.log(`${buckets} bucket(s) per key: ${Math.round((after - before) / KEYS)} B per key (${store.size()} keys)`)
  kept.push(store)
}
