#!/usr/bin/env node
// How often the first label of a link's registrable domain (the tokenizer's `url:dom:` tokens)
// has a machine-made look, per class, over every corpus message (train/ and eval/): the count
// behind round 12 in docs/classifier.md, to see whether a shape could be a feature (one that
// ham shows next to never) before building it. Prints the messages with at least one such link
// per shape and class, and the first ham examples of each shape.
//
//   node bench/classifier-host-shapes.mjs [--corpus DIR] [--dist PATH/index.js]
//
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { corpusOrExit, loadClassifier } from "./classifier-common.mjs"

const corpus = corpusOrExit()
const Classifier = await loadClassifier()
const shapes = {
  "letters and a run of 3+ digits": (l) => /[a-z]/.test(l) && /\d{3,}/.test(l),
  "letters and digits mixed, 5+ characters": (l) => /[a-z]/.test(l) && /\d/.test(l) && l.length >= 5,
  "15+ characters": (l) => l.length >= 15,
  "two or more hyphens": (l) => (l.match(/-/g) ?? []).length >= 2,
  "five consonants in a row": (l) => /[bcdfghjklmnpqrstvwxz]{5,}/.test(l)
}
const totals = { ham: 0, spam: 0 }
const counts = Object.fromEntries(Object.keys(shapes).map((s) => [s, { ham: 0, spam: 0, examples: [] }]))
for (const split of ["train", "eval"])
  for (const label of ["ham", "spam"])
    for (const file of Classifier.listFiles(join(corpus, split, label))) {
      totals[label]++
      const labels = Classifier.tokenize(Classifier.parseMessage(readFileSync(file)))
        .tokens.filter((t) => t.startsWith("url:dom:"))
        .map((t) => t.slice("url:dom:".length).split(".")[0])
      for (const [name, test] of Object.entries(shapes)) {
        const hit = labels.find(test)
        if (hit === undefined) continue
        counts[name][label]++
        if (label === "ham" && counts[name].examples.length < 12) counts[name].examples.push(hit)
      }
    }
const pct = (n, of) => `${n} (${((100 * n) / of).toFixed(1)} %)`
console.log(`${totals.ham} ham, ${totals.spam} spam`)
for (const [name, c] of Object.entries(counts))
  console.log(
    `${name}: ham ${pct(c.ham, totals.ham)}, spam ${pct(c.spam, totals.spam)}; ham e.g. ${c.examples.join(" ")}`
  )
