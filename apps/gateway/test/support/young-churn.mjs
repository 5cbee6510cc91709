// A preload for a gateway process: `node --import ./young-churn.mjs main.js`. On SIGUSR2 it
// allocates objects of which some survive a few scavenges (what grows V8's young generation), in
// slices of ~300 KB, as a server's work comes (the cap is adjusted between tasks: one task
// allocating more than twice the young generation could grow it twice), and then writes the largest young
// generation it saw (`new_space`, both semi-spaces, bytes) to the file named by MM_CHURN_OUT,
// with each change of its size: [size before the slice, size after, objects made so far].
import { renameSync, writeFileSync } from "node:fs"
import { getHeapSpaceStatistics } from "node:v8"

const out = process.env.MM_CHURN_OUT
const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0

if (out !== undefined)
  process.on("SIGUSR2", () => {
    let kept = []
    let size = newSpace()
    let largest = size
    const steps = []
    let made = 0
    const slice = () => {
      for (let i = 0; i < 2_000; i++, made++) {
        kept.push({ n: made, text: `x${made}`, pair: [made, made] })
        if (kept.length > 200_000) kept = kept.slice(100_000)
      }
      const now = newSpace()
      if (now !== size) steps.push([size, now, made])
      size = now
      largest = Math.max(largest, now)
      if (made < 4_000_000) return setImmediate(slice)
      kept = []
      writeFileSync(`${out}.tmp`, JSON.stringify({ largestNewSpace: largest, steps }))
      renameSync(`${out}.tmp`, out)
    }
    slice()
  })
