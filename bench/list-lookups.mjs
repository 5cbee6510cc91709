// The engine's CPU around a message's uncached list lookups, without c-ares or a socket: the
// built-in DNS zone provider (`DnsZoneProvider.make`, as the RBL and DNSBL stages have it) over
// core's cache (`Dns.withCache`, memory store) over a resolver that answers NXDOMAIN one
// event-loop turn later (as a socket would), run by core's `BlocklistRunner` as `ListCheck` runs
// it: one `run` per message over --lookups new IPs (the peer workload's replay pass asks ~4.7 list
// questions per message), --conc messages at once, every name new.
// Both builds are loaded in one process and run in alternated rounds (this checkout and
// `--base DIR`, a built `git worktree`); microseconds of process CPU (user + system) per message
// and per lookup, and the ratio per round.
//
//   npm run build && node bench/list-lookups.mjs [--base /tmp/mm-base] [--messages 10000] [--lookups 5] [--conc 20] [--rounds 6]
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { nextTurnResolver } from "./next-turn-resolver.mjs"

const here = fileURLToPath(new URL("..", import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const messages = Number(arg("messages", "10000"))
const lookups = Number(arg("lookups", "5"))
const conc = Number(arg("conc", "20"))
const rounds = Number(arg("rounds", "6"))

const load = async (label, root) => {
  const at = (path) => pathToFileURL(join(root, path)).href
  const { BlocklistRunner, Dns } = await import(at("packages/core/dist/index.js"))
  const { DnsZoneProvider } = await import(at("packages/antispam/dist/index.js"))
  const { Effect, Exit } = await import(at("packages/antispam/node_modules/effect/dist/index.js"))
  const inner = nextTurnResolver({ Dns, Effect, Exit })
  const provider = DnsZoneProvider.make({
    spec: DnsZoneProvider.parseZoneSpec("bl.test"),
    kinds: ["ip"],
    timeoutMillis: 2000,
    dns: Dns.withCache(inner)
  })
  const runner = BlocklistRunner.make()
  const run = (batches) =>
    Effect.runPromise(
      Effect.forEach(
        batches,
        (queries) =>
          Effect.map(runner.run([provider], queries), (records) => {
            if (records.length !== queries.length || records.some((r) => r.answer._tag !== "NotListed"))
              throw new Error("unexpected answer")
          }),
        { concurrency: conc, discard: true }
      )
    )
  return { label, callbackForm: provider.ask !== undefined, run }
}

const builds = [await load("this", here), await load("base", resolve(arg("base", "/tmp/mm-base")))]
let serial = 0
const measure = async (build) => {
  const s = serial++
  const batches = Array.from({ length: messages }, (_, m) =>
    Array.from({ length: lookups }, (_, i) => ({
      kind: "ip",
      value: `10.${s % 250}.${Math.floor((m * lookups + i) / 250) % 250}.${(m * lookups + i) % 250}`
    }))
  )
  // Names new to both the runner's cache and the DNS cache: one build's round never meets
  // another round's names (`s` differs), and within a round every value is distinct up to 62,500.
  const before = process.cpuUsage()
  await build.run(batches)
  const used = process.cpuUsage(before)
  return (used.user + used.system) / messages
}

for (const b of builds) await measure(b) // warm-up: both paths compiled before the first round
console.log(`builds: ${builds.map((b) => `${b.label} (callback form: ${b.callbackForm})`).join(", ")}`)
const ratios = []
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse()
  const us = {}
  for (const b of order) us[b.label] = await measure(b)
  const ratio = us.this / us.base
  ratios.push(ratio)
  console.log(
    `round ${r + 1} this ${us.this.toFixed(1)} us/message (${(us.this / lookups).toFixed(1)}/lookup), base ${us.base.toFixed(1)} (${(us.base / lookups).toFixed(1)}): x${ratio.toFixed(2)}`
  )
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(
  `median x${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`
)
