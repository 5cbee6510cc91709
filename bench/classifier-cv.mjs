#!/usr/bin/env node
// K-fold cross-validation inside the training split only: each fold (by a hash of the file
// name, so not the stacking folds) is classified by a model trained on the other folds. For
// choosing training options without looking at eval/, e.g. the weight of the padded spam twins.
//
//   node bench/classifier-cv.mjs [--corpus DIR] [--folds 5] [--twin 0.05] [--disc on] [--late feat:NAME,...|none] [--without feat:NAME,...] [--missed] [--sweep] [--decision plain] [--dump FILE] [--no-one-sided]
//
// --missed also prints every spam not called spam, with its probability: which spam two builds
// differ on, when their recall does.
//
// --sweep also prints false positives, recall and unsure for several cut-offs from the same scores
// and where the ham nearest the spam cut-off sits (bench/classifier-sweep.mjs).
//
// --decision plain classes by the probability alone (as classifier-drift.mjs).
// --dump FILE writes every scored message as a JSON line (as classifier-drift.mjs).
//
// --disc on trains with the discriminative token model as one more layer input (round 15).
//
// --late feat:NAME,...|none: the layer inputs fitted in a second stage (as classifier-drift.mjs).
// --without feat:NAME,...: those features taken out of every message's tokens (as classifier-drift.mjs).
// --no-one-sided: the tokens of languages the training holds in one class only kept (as classifier-drift.mjs).
//
// Prints false positives (with the file names), spam recall and the unsure rate.
// Needs `npx turbo run build --filter=@mailmoat/antispam`.
import { readFileSync } from "node:fs"
import { basename, join } from "node:path"
import { args, corpusDir, decision, lateOption, loadClassifier, opt, withoutOption } from "./classifier-common.mjs"
import { sweepLines } from "./classifier-sweep.mjs"
import { dumpOption } from "./classifier-dump.mjs"

const Classifier = await loadClassifier()
const decideOf = decision(Classifier)
const dump = dumpOption(Classifier)
const train = join(corpusDir(), "train")
const folds = Number(opt("folds", "5"))
const twin = opt("twin", undefined)
const twinWeight = twin === undefined ? undefined : Number(twin)
const discriminative = opt("disc", "off") === "on" ? {} : undefined
const lateStages = lateOption()
const without = withoutOption()
const load = (label) =>
  Classifier.listFiles(join(train, label)).map((path) => ({
    name: basename(path),
    label,
    tokens: without(Classifier.tokenize(Classifier.parseMessage(readFileSync(path))))
  }))
const ham = load("ham")
const spam = load("spam")
// Interleaved like the training script, so every stacking fold gets both classes.
const items = []
for (let i = 0, j = 0; i < ham.length || j < spam.length; ) {
  if (j >= spam.length || (i < ham.length && i / (i + j + 1) <= ham.length / (ham.length + spam.length)))
    items.push(ham[i++])
  else items.push(spam[j++])
}
const foldOf = (name) => {
  let h = 0
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0
  return h % folds
}
const counts = { ham: 0, spam: 0, falsePositives: [], caught: 0, unsure: 0, missed: [] }
const scored = []
for (let k = 0; k < folds; k++) {
  const model = Classifier.trainTokens(
    items.filter((it) => foldOf(it.name) !== k),
    { twinWeight, discriminative, lateStages, oneSided: !args.includes("--no-one-sided") }
  )
  for (const it of items.filter((it) => foldOf(it.name) === k)) {
    const s = Classifier.score(model, it.tokens)
    const p = s.probability
    const c = decideOf(model, s, p)
    dump(`CV fold ${k}`, model, it, s, c)
    scored.push({ name: it.name, label: it.label, p })
    counts[it.label]++
    if (c === "unsure") counts.unsure++
    else if (it.label === "ham" && c === "spam") counts.falsePositives.push(it.name)
    else if (it.label === "spam" && c === "spam") counts.caught++
    if (it.label === "spam" && c !== "spam") counts.missed.push(`${it.name} p=${p.toFixed(3)}`)
  }
}
const pct = (n, d) => `${((100 * n) / Math.max(1, d)).toFixed(2)}%`
console.log(
  `${folds}-fold CV on train/ (twin weight ${twinWeight ?? "default"}${discriminative ? ", token model" : ""}): FPR ${pct(counts.falsePositives.length, counts.ham)} (${counts.falsePositives.length} of ${counts.ham}), recall ${pct(counts.caught, counts.spam)}, unsure ${pct(counts.unsure, counts.ham + counts.spam)}`
)
for (const name of counts.falsePositives) console.log(`  false positive ${name}`)
if (args.includes("--sweep")) for (const line of sweepLines(scored, Classifier.defaultCutoffs)) console.log(line)
if (args.includes("--missed")) for (const line of counts.missed.sort()) console.log(`  spam not called spam ${line}`)
