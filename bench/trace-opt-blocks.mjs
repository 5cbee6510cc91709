#!/usr/bin/env node
// Where the JIT's work falls along a harness run: V8's `--trace-opt --trace-deopt` lines in a
// gateway's output, counted per block of messages (the gateway logs one "message" line per
// message it answers, and V8 prints each compilation as it completes, so a trace line counts in
// the block of the messages logged before it).
//
//   GW_NODE_FLAGS="--trace-opt --trace-deopt" node bench/peers.mjs --runs 4 --keep DIR \
//     --systems mailmoat,mailmoat~node24
//   node bench/trace-opt-blocks.mjs DIR/results/mailmoat~node24.out [--skip 200] [--block 2000]
//
// `--skip` is the harness's warm-up (200 messages: its first block), `--block` the block size
// (2000 = one harness run). Per block: compilations completed per tier (Maglev, TurboFan; Node 20
// has only TurboFan), the compile time V8 reports for them (its three phases summed: most of it
// on V8's worker threads, concurrently with the main thread), and deoptimisations, of which
// those that only hand a running loop to optimised code (OSR) are counted apart.
// The flags cost CPU themselves (printing): runs with them are for these counts, not for timing.
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import { arg, fileArg } from "./cli.mjs"
import { traceEvent } from "./trace-opt-lines.mjs"

const file = fileArg("node bench/trace-opt-blocks.mjs GATEWAY_OUTPUT [--skip 200] [--block 2000]")
const skip = Number(arg("skip", "200"))
const block = Number(arg("block", "2000"))

const blocks = []
const blockAt = (messages) => {
  const index = messages < skip ? 0 : 1 + Math.floor((messages - skip) / block)
  blocks[index] ??= { messages: 0, compiled: {}, compileMs: {}, deopts: 0, osrDeopts: 0 }
  return blocks[index]
}
let messages = 0
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
  const event = traceEvent(line)
  if (event === undefined) continue
  const b = blockAt(messages)
  if (event.kind === "message") {
    b.messages++
    messages++
  } else if (event.kind === "compiled") {
    b.compiled[event.tier] = (b.compiled[event.tier] ?? 0) + 1
    b.compileMs[event.tier] = (b.compileMs[event.tier] ?? 0) + event.ms
  } else if (event.osr) b.osrDeopts++
  else b.deopts++
}

const tiers = [...new Set(blocks.flatMap((b) => Object.keys(b?.compiled ?? {})))].sort()
console.log(`${file}: ${messages} messages`)
console.log(
  `| block | messages | ${tiers.map((t) => `${t} compilations | ${t} compile ms | `).join("")}deopts | OSR deopts |`
)
console.log(`|---|---|${tiers.map(() => "---|---|").join("")}---|---|`)
blocks.forEach((b, i) => {
  if (b === undefined) return
  const name = i === 0 ? `start + first ${skip}` : `${i}`
  const cells = tiers.map((t) => `${b.compiled[t] ?? 0} | ${(b.compileMs[t] ?? 0).toFixed(0)} | `)
  console.log(`| ${name} | ${b.messages} | ${cells.join("")}${b.deopts} | ${b.osrDeopts} |`)
})
