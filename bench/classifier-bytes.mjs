#!/usr/bin/env node
// Bytes the classifier allocates per message (collected objects included: garbage, not what
// stays), by function: messages parsed and classified once first (warm, the parse not counted),
// then V8's sampling heap profiler runs over one more classification of every eval/ and train/
// message. Sampling estimates; compare two builds in one sitting, not against an old figure.
// `--store` classifies as the gateway does: through a classifier with an empty memory store.
//
//   node bench/classifier-bytes.mjs [--corpus DIR] [--dist PATH/index.js] [--model FILE] [--top N] [--store]
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`.
import { Session } from "node:inspector/promises"
import { corpusDir, loadClassifier, loadModelOption, opt, parseDecoded, readCorpus } from "./classifier-common.mjs"

const top = Number(opt("top", "15"))
const Classifier = await loadClassifier()
const model = loadModelOption(Classifier)
const parsed = readCorpus(Classifier, corpusDir()).map((b) => parseDecoded(Classifier, b))
const viaStore = process.argv.includes("--store")
const classifier = viaStore ? Classifier.make({ model, store: Classifier.makeMemoryTokenStore() }) : undefined
const classifyAll = async () => {
  if (classifier) for (const m of parsed) await classifier.classify(m)
  else for (const m of parsed) Classifier.classifyWith(model, m)
}
await classifyAll()

const session = new Session()
session.connect()
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true
})
await classifyAll()
const { profile } = await session.post("HeapProfiler.getSamplingProfile")
await session.post("HeapProfiler.stopSampling")

// Self bytes by function (name, file, line), summed over the call tree.
const byFunction = new Map()
let total = 0
const visit = (node) => {
  const f = node.callFrame
  const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-3).join("/")}:${f.lineNumber + 1}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize)
  total += node.selfSize
  for (const c of node.children) visit(c)
}
visit(profile.head)
const n = parsed.length
console.log(`${n} messages: ${(total / n / 1024).toFixed(1)} KB allocated per message (sampled every 4 KB)`)
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${(v / n / 1024).toFixed(2).padStart(8)} KB  ${k}`)
