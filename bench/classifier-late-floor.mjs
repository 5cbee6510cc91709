#!/usr/bin/env node
// What new late features do at the least, on the scores a base build dumped (`--dump FILE` of
// classifier-drift.mjs or classifier-cv.mjs), without training again: a late stage appended to
// `LATE_STAGES` leaves the bias and every earlier weight as they were (Train.ts's staged fit), so a
// message that carries none of the new features scores exactly as the base did, and one that
// carries `k` of them has its log-odds and its form's raised by the sum of their weights. A late
// feature that no ham of the training carries fits a weight no lower than its prior (FeatureSigns.ts's
// `FEATURE_PRIOR`): every carrier is spam, so the loss only pushes it up from where the L2 penalty
// holds it. This bench raises each carrier by `--weight` (default the prior, 1) per feature it
// carries (found by tokenizing the corpus file of its name with the build under test) and prints,
// per run, false positives / recall / unsure under the build's decision before and after, and the
// messages that move (round 57 in docs/classifier.md).
//
//   node bench/classifier-late-floor.mjs FILE --features a,b,c [--weight 1] [--rule R] [--dist PATH/index.js]
//
// R is a bench/decision-rules.mjs rule (default the shipped decision since round 53:
// `lang:25:0.9+few:25+lean:0.05:0.85:0.5`). Needs the corpus; exits 2 without one.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { args, corpusOrExit, loadClassifier, opt } from "./classifier-common.mjs"
import { figures, figureText, ruleOf, runsOf } from "./decision-rules.mjs"

const file = args[0]
const features = (opt("features", "") || "").split(",").filter(Boolean)
if (!file || file.startsWith("--") || features.length === 0) {
  console.error("usage: node bench/classifier-late-floor.mjs FILE --features a,b,c [--weight 1]")
  process.exit(2)
}
const weight = Number(opt("weight", "1"))
const decide = ruleOf(opt("rule", "lang:25:0.9+few:25+lean:0.05:0.85:0.5"))
const corpus = corpusOrExit()
const Classifier = await loadClassifier()

/** The new features each corpus message carries, by file name (only those carrying one). */
const carried = new Map()
for (const split of ["train", "eval"])
  for (const label of ["ham", "spam"]) {
    const dir = join(corpus, split, label)
    for (const name of readdirSync(dir)) {
      const has = Classifier.tokenize(Classifier.parseMessage(readFileSync(join(dir, name)))).features
      const k = features.filter((f) => has.includes(f))
      if (k.length > 0) carried.set(name, k)
    }
  }

const logit = (p) => Math.log(Math.max(p, 1e-15) / Math.max(1 - p, 1e-15))
const sigmoid = (z) => 1 / (1 + Math.exp(-z))
/** A carrier's row raised by the new weights: its probability, form and weights as the layer would give them. */
const raised = (r) => {
  const k = carried.get(r.name)
  if (k === undefined) return r
  const z = weight * k.length
  return {
    ...r,
    p: sigmoid(logit(r.p) + z),
    form: typeof r.form === "number" ? sigmoid(logit(r.form) + z) : r.form,
    weights: { ...r.weights, ...Object.fromEntries(k.map((f) => [f, weight])) },
    carried: k
  }
}

const rows = readFileSync(file, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l))
console.log(`carriers in the corpus: ${[...carried.keys()].length} (${features.join(", ")}; weight ${weight} each)`)
for (const [run, items] of runsOf(rows)) {
  const after = items.map(raised)
  const moved = after.filter((r, i) => decide(r) !== decide(items[i]))
  console.log(`${run}: ${figureText(figures(items, decide))} -> ${figureText(figures(after, decide))}`)
  for (const r of moved) {
    const b = items[after.indexOf(r)]
    console.log(
      `    ${r.label} ${r.name.slice(0, 16)} ${r.tag ?? "?"} ${decide(b)} -> ${decide(r)}  p ${b.p.toFixed(3)} -> ${r.p.toFixed(3)}  form ${b.form.toFixed(2)} -> ${r.form.toFixed(2)}  clues ${r.used}  (${r.carried.join(", ")})`
    )
  }
}
