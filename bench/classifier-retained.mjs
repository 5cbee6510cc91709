#!/usr/bin/env node
// What the classifier keeps alive once the messages it tokenized are gone: the heap after a full
// garbage collection, before and after tokenizing every corpus message (each parsed, tokenized and
// dropped), with the message bytes and the module loaded in both. Module-level caches (the
// registrable-domain cache of Domains.ts above all) are what the difference holds. Run it for two
// builds one after the other and compare; several runs, as the heap figures move by some 100 KB.
//
//   node --expose-gc bench/classifier-retained.mjs [--dist OTHER/packages/antispam/dist/index.js]
//                                                  [--corpus DIR] [--snapshot FILE]
//
// --snapshot writes a heap snapshot at the end (open it in Chrome DevTools: strings retained by
// the domain cache's Map show as sliced strings whose parent is a header block or an HTML part).
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { writeHeapSnapshot } from "node:v8"
import { corpusDir, loadClassifier, opt } from "./classifier-common.mjs"

if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc")
  process.exit(2)
}
const Classifier = await loadClassifier()
const corpus = corpusDir()
const messages = []
for (const split of ["eval", "train"])
  for (const label of ["ham", "spam"])
    for (const f of Classifier.listFiles(join(corpus, split, label))) messages.push(readFileSync(f))

const settled = () => {
  for (let i = 0; i < 4; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}
// Warm up on a message whose hosts are the harness's own, so code and tables are loaded.
Classifier.tokenize(
  Classifier.parseMessage(
    new TextEncoder().encode(
      "From: a@warm.example\r\nTo: b@warm.example\r\nSubject: warm\r\n\r\nhttp://warm.example/\r\n"
    )
  )
)
const before = settled()
let features = 0
for (const bytes of messages) features += Classifier.tokenize(Classifier.parseMessage(bytes)).features.length
const after = settled()
console.log(
  `${messages.length} messages tokenized (${features} features): heap ${(before / 2 ** 20).toFixed(1)} -> ${(after / 2 ** 20).toFixed(1)} MB, ${((after - before) / 2 ** 20).toFixed(2)} MB kept after the messages are gone`
)
const snapshot = opt("snapshot", undefined)
if (snapshot !== undefined) writeHeapSnapshot(snapshot)
