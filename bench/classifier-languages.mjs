#!/usr/bin/env node
// The corpus's mail by language (Classifier.languageOf, round 45 in docs/classifier.md), and how
// the drift and CV benches classed the mail of languages other than English in their dumps.
//
//   node bench/classifier-languages.mjs [--corpus DIR] [--dist BUILD/index.js] [DUMP.jsonl ...]
//
// Prints how many ham and spam of train/ and eval/ each language tag holds (the tally training
// sees is train/'s, or an era's part of it in the drift runs), then, for each dump written by
// `classifier-drift.mjs --dump` or `classifier-cv.mjs --dump`, per run: every message's false
// positives / spam called spam / unsure, and the same for the messages tagged with a language
// other than English (`en`) and undetermined (`und`): ham as ham / unsure / spam, spam as ham /
// unsure / spam. Two dumps side by side (a base build's and this one's) give the before and after.
// Needs `npx turbo run build --filter=@mailmoat/antispam` (the tagger of the build under test).
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { args, corpusDir, loadClassifier } from "./classifier-common.mjs"

const Classifier = await loadClassifier()
const corpus = corpusDir()
const dumps = args.filter((a, i) => a.endsWith(".jsonl") && !/^--(corpus|dist)$/.test(args[i - 1] ?? ""))

const tags = new Map()
const tally = new Map()
for (const split of ["train", "eval"])
  for (const label of ["ham", "spam"]) {
    const dir = join(corpus, split, label)
    for (const name of readdirSync(dir).sort()) {
      const message = Classifier.parseMessage(readFileSync(join(dir, name)))
      const tag = Classifier.languageOf(Classifier.tokenize(message).tokens)
      tags.set(name, tag)
      const key = `${split} ${tag}`
      const c = tally.get(key) ?? { ham: 0, spam: 0 }
      c[label]++
      tally.set(key, c)
    }
  }
console.log("language tags (ham/spam):")
for (const split of ["train", "eval"])
  console.log(
    `  ${split}: ${[...tally]
      .filter(([k]) => k.startsWith(`${split} `))
      .sort((a, b) => b[1].ham + b[1].spam - a[1].ham - a[1].spam)
      .map(([k, c]) => `${k.slice(split.length + 1)} ${c.ham}/${c.spam}`)
      .join(", ")}`
  )

const foreign = (name) => !["en", "und"].includes(tags.get(name) ?? "und")
const classes = (rows) => {
  const n = { ham: 0, unsure: 0, spam: 0 }
  for (const r of rows) n[r.c]++
  return `${n.ham}/${n.unsure}/${n.spam}`
}
for (const file of dumps) {
  const runs = new Map()
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue
    const r = JSON.parse(line)
    if (!runs.has(r.run)) runs.set(r.run, [])
    runs.get(r.run).push(r)
  }
  console.log(`\n${file}`)
  console.log("  run: FP / spam called spam / unsure (all) | other languages: ham h/u/s, spam h/u/s")
  for (const [run, rows] of runs) {
    const ham = rows.filter((r) => r.label === "ham")
    const spam = rows.filter((r) => r.label === "spam")
    const fp = ham.filter((r) => r.c === "spam").length
    const caught = spam.filter((r) => r.c === "spam").length
    const unsure = rows.filter((r) => r.c === "unsure").length
    console.log(
      `  ${run}: ${fp} / ${caught} of ${spam.length} / ${unsure} | ham ${classes(ham.filter((r) => foreign(r.name)))}, spam ${classes(spam.filter((r) => foreign(r.name)))}`
    )
  }
}
