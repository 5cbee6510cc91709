#!/usr/bin/env node
// Auto-learning as a stream (prequential): trains on one era of ../shared/corpus/train, then reads
// the other era message by message (each class in file order, the two spread evenly), classifies
// each with what was learned before it, and learns it when the auto-learning gate allows
// (packages/antispam/src/classifier/AutoLearn.ts). Prints FPR, recall and unsure over the stream
// with learning and without, for both drift directions, from the trained model and from the same
// model with no word known (its table holds only `feat:` tokens: mail whose words are all new, as
// the hidden 2010 corpus's mostly are). Everything here is train/: thresholds are chosen on it.
//
//   node bench/classifier-autolearn.mjs [--corpus DIR] [--only old-new,new-old,split] [--start words,none]
//                                       [--gates 0.9:0.1,0.95:0.05] [--cap 200 --apart 1] [--json]
//
// --gates S:H,... the word-free gate's spamAbove:hamBelow (default AutoLearn.defaults).
// --balance B,... the class-balance tolerance (AutoLearn.BALANCE; Infinity: none), several to compare.
// --cap N         at most N messages of each class learned per hour (default: no cap), with
// --apart M       minutes between two messages of the stream (default 1).
// --only split    also streams eval/ after training on train/ (a check, never used to choose).
// Needs `npx turbo run build --filter=@mailmoat/antispam`.
import { readFileSync } from "node:fs"
import { basename, join } from "node:path"
import { args, corpusOrExit, loadClassifier, opt } from "./classifier-common.mjs"

const corpus = corpusOrExit()
const Classifier = await loadClassifier()
const { AutoLearn, AutoLearnStream } = Classifier
const only = opt("only", "old-new,new-old").split(",")
const starts = opt("start", "words,none").split(",")
const gates = (opt("gates", "") || `${AutoLearn.defaults.spamAbove}:${AutoLearn.defaults.hamBelow}`)
  .split(",")
  .map((g) => ({ spamAbove: Number(g.split(":")[0]), hamBelow: Number(g.split(":")[1]) }))
const cap = Number(opt("cap", "Infinity"))
const balances = opt("balance", String(Classifier.AutoLearn.BALANCE)).split(",").map(Number)
const minutesApart = Number(opt("apart", "1"))

const load = (dir, label) =>
  Classifier.listFiles(dir).map((path) => {
    const message = Classifier.parseMessage(readFileSync(path))
    return { name: basename(path), label, tokens: Classifier.tokenize(message), gtube: Classifier.hasGtube(message) }
  })
const subset = (name) => name.slice(0, name.indexOf("."))
const train = [...load(join(corpus, "train/ham"), "ham"), ...load(join(corpus, "train/spam"), "spam")]
const OLD = new Set(["easy_ham", "spam"])
const NEW = new Set(["easy_ham_2", "spam_2"])
const runs = []
if (only.includes("old-new"))
  runs.push([
    "2002 -> 2003-05",
    train.filter((i) => OLD.has(subset(i.name))),
    train.filter((i) => NEW.has(subset(i.name)))
  ])
if (only.includes("new-old"))
  runs.push([
    "2003-05 -> 2002",
    train.filter((i) => NEW.has(subset(i.name))),
    train.filter((i) => OLD.has(subset(i.name)))
  ])
if (only.includes("split"))
  runs.push([
    "train/ -> eval/",
    train,
    [...load(join(corpus, "eval/ham"), "ham"), ...load(join(corpus, "eval/spam"), "spam")]
  ])

const pct = (x) => `${(x * 100).toFixed(2)}%`
const figure = (r) => {
  const e = Classifier.summarise(r.classes.ham, r.classes.spam, 0)
  const half = (xs) => xs.slice(Math.floor(xs.length / 2))
  const late = Classifier.summarise(half(r.classes.ham), half(r.classes.spam), 0)
  return { all: e, secondHalf: late }
}
const line = (name, f) =>
  `  ${name.padEnd(34)} FPR ${pct(f.all.falsePositiveRate)} (${f.all.counts.falsePositives})  recall ${pct(f.all.recall)} [${f.all.intervals.recall.map((x) => (x * 100).toFixed(1)).join(", ")}]  unsure ${pct(f.all.unsureRate)}` +
  `  | 2nd half: FPR ${f.secondHalf.counts.falsePositives}, recall ${pct(f.secondHalf.recall)}, unsure ${pct(f.secondHalf.unsureRate)}`

const results = []
for (const [name, trainSet, testSet] of runs) {
  const trained = Classifier.trainTokens(AutoLearnStream.interleave(trainSet))
  const stream = AutoLearnStream.interleave(testSet)
  const names = new Map(stream.map((i) => [i, i.name]))
  const nham = stream.filter((i) => i.label === "ham").length
  console.log(
    `${name}  (trained on ${trained.nham} ham, ${trained.nspam} spam; stream of ${nham} ham, ${stream.length - nham} spam)`
  )
  for (const start of starts) {
    const model = start === "none" ? AutoLearnStream.withoutWords(trained) : trained
    const label = start === "none" ? "no word known" : "words known"
    const off = figure(await AutoLearnStream.stream(model, stream))
    console.log(line(`${label}, no learning`, off))
    results.push({ run: name, start, learning: false, ...off })
    for (const g of gates)
      for (const balance of balances) {
        const autolearn = { ...g, maxPerHour: cap }
        const r = await AutoLearnStream.stream(model, stream, { autolearn, balance, minutesApart })
        const on = figure(r)
        console.log(line(`${label}, gate ${g.spamAbove}:${g.hamBelow} bal ${balance}`, on))
        const l = r.learned
        console.log(
          `    learned ${l.spam} as spam (${l.wrongSpam} of them ham), ${l.ham} as ham (${l.wrongHam} of them spam); ${l.unbalanced} held back by the balance${Number.isFinite(cap) ? `, ${l.capped} by the cap` : ""}`
        )
        if (args.includes("--show-fp"))
          console.log(`    false positives: ${r.falsePositives.map((f) => `${f.at}:${names.get(f.item)}`).join(" ")}`)
        results.push({ run: name, start, learning: true, gate: g, balance, cap, learned: l, ...on })
      }
  }
}
if (args.includes("--json")) console.log(JSON.stringify(results, null, 2))
