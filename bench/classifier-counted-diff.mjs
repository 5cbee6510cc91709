#!/usr/bin/env node
// Which messages of the corpus change their counted text evidence between this build and another:
// the text statistics' tokens (`stat:*`, `body:letters:*`) and the features that count over the
// text (marks, amounts, letters). Per subset (the file-name prefix), the messages
// whose evidence differs and, per name, how many: `+NAME` / `-NAME` a feature this build adds /
// drops, a token name alone its bucket moved. Round 38 (docs/classifier.md) counted with it what
// reading a multipart/alternative once changes.
//
//   node bench/classifier-counted-diff.mjs --against PATH/index.js [--corpus DIR]
//
// Needs `npx turbo run build --filter=@mailmoat/antispam` (and the other build built).
import { readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { corpusDir, loadClassifier, opt } from "./classifier-common.mjs"

const against = opt("against", undefined)
if (against === undefined) {
  console.error("usage: node bench/classifier-counted-diff.mjs --against PATH/index.js [--corpus DIR]")
  process.exit(2)
}
const This = await loadClassifier()
const Other = (await import(resolve(against))).Classifier
const COUNTED =
  /^(?:stat:|body:letters:|feat:(?:body_currency_dense|body_exclaim_dense|body_exclaim|body_caps|image_only|image_link_little_text|word_substitution)$)/
const counted = (C, bytes) => new Set(C.tokenize(C.parseMessage(bytes)).tokens.filter((t) => COUNTED.test(t)))
const nameOf = (t) => (t.startsWith("feat:") ? t.slice(5) : t.replace(/:[^:]*$/, ""))

const rows = new Map()
const corpus = corpusDir()
for (const split of ["train", "eval"])
  for (const label of ["ham", "spam"]) {
    const dir = join(corpus, split, label)
    for (const file of readdirSync(dir).sort()) {
      const bytes = readFileSync(join(dir, file))
      const before = counted(Other, bytes)
      const after = counted(This, bytes)
      const names = new Set()
      for (const t of before) if (!after.has(t)) names.add(t.startsWith("feat:") ? `-${nameOf(t)}` : nameOf(t))
      for (const t of after) if (!before.has(t)) names.add(t.startsWith("feat:") ? `+${nameOf(t)}` : nameOf(t))
      const key = `${label} ${file.split(".")[0]}`
      const row = rows.get(key) ?? { total: 0, changed: 0, by: new Map() }
      rows.set(key, row)
      row.total++
      if (names.size > 0) row.changed++
      for (const n of names) row.by.set(n, (row.by.get(n) ?? 0) + 1)
    }
  }
for (const [key, row] of [...rows].sort()) {
  const by = [...row.by].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`)
  console.log(`${key}: ${row.changed} of ${row.total} changed${by.length > 0 ? `: ${by.join(", ")}` : ""}`)
}
