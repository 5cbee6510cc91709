#!/usr/bin/env node
// Other decision rules tried on the scores another bench dumped (`--dump FILE` of
// classifier-drift.mjs or classifier-cv.mjs): per run, false positives / recall / unsure as the
// build decided and under each rule, and which messages a rule moves, by name. Nothing is trained
// again, so a rule's width can be swept on every drift cell and the CV in seconds (round 36 in
// docs/classifier.md; the rules are bench/decision-rules.mjs's).
//
//   node bench/classifier-rules.mjs FILE [--rules plain,few:25,few:35,alone:0.95,few:25+near:35:0.95,few:25+backed:0.85:0.5] [--moved] [--shares] [--tag] [--features]
//
// --features adds to each dumped message the features the build's tokenizer gives it that the dump
// lacks (by file name from the corpus): a dump of an older build then carries a newer trait
// (`tagged` asks round 58's `to_tagged_for_sender_host`).
//
// --tag gives each message of a dump that has no `tag` (a build before round 53) its language,
// tagged by file name from the corpus with the build's `languageOf` (`lang:N:F` asks it).
//
// --shares prints, per run and label, how the known share of the messages' words is spread
// (`knownShare`: clues of the model among the distinct words; a dump with the counts, round 37),
// for all of them and for the unsure ones whose form alone is at 0.5 or more (what `thin` moves).
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { args, corpusDir, loadClassifier, opt } from "./classifier-common.mjs"
import { figures, figureText, knownShare, ruleOf, runsOf } from "./decision-rules.mjs"

const file = args[0]
if (!file || file.startsWith("--")) {
  console.error("usage: node bench/classifier-rules.mjs FILE [--rules few:25,alone:0.95] [--moved]")
  process.exit(2)
}
const names = (opt("rules", "plain,few:25") || "").split(",").filter(Boolean)
const rules = names.map((n) => [n, ruleOf(n)])
/** Every corpus message's features by file name, or its language (`--tag`), from the build's tokens. */
const byName = async (of) => {
  const Classifier = await loadClassifier()
  const out = new Map()
  for (const split of ["train", "eval"])
    for (const label of ["ham", "spam"]) {
      const dir = join(corpusDir(), split, label)
      for (const name of readdirSync(dir))
        out.set(name, of(Classifier, Classifier.tokenize(Classifier.parseMessage(readFileSync(join(dir, name))))))
    }
  return out
}
const tags = args.includes("--tag") ? await byName((C, t) => C.languageOf(t.tokens)) : undefined
const features = args.includes("--features") ? await byName((_, t) => t.features) : undefined
const withFeatures = (r) =>
  features === undefined
    ? r
    : { ...r, features: [...new Set([...(r.features ?? []), ...(features.get(r.name) ?? [])])] }
const runs = runsOf(
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .map((r) => (tags === undefined || r.tag !== undefined ? r : { ...r, tag: tags.get(r.name) }))
    .map(withFeatures)
)
console.log(`| run | build | ${names.join(" | ")} |`)
console.log(`|---|---|${names.map(() => "---").join("|")}|`)
for (const [run, items] of runs)
  console.log(
    `| ${run} | ${figureText(figures(items, (r) => r.c))} | ${rules.map(([, rule]) => figureText(figures(items, rule))).join(" | ")} |`
  )
if (args.includes("--moved"))
  for (const [n, rule] of rules)
    for (const [run, items] of runs)
      for (const r of items) {
        const c = rule(r)
        if (c !== r.c)
          console.log(
            `${n} ${run}: ${r.label} ${r.name.slice(0, 22)} ${r.c} -> ${c} (p ${r.p.toFixed(3)}, clues ${r.used}, form ${r.form?.toFixed(3)})`
          )
      }

const QUANTILES = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]
const spread = (values) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b)
  if (sorted.length === 0) return "none"
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(3)
  return `${sorted.length}: ${QUANTILES.map(at).join(" ")}`
}
if (args.includes("--shares")) {
  console.log(`\n| run | label | known share, all (n: ${QUANTILES.join(" ")}) | unsure with form >= 0.5 |`)
  console.log("|---|---|---|---|")
  for (const [run, items] of runs)
    for (const label of ["ham", "spam"]) {
      const mine = items.filter((r) => r.label === label)
      const backed = mine.filter((r) => r.c === "unsure" && typeof r.form === "number" && r.form >= 0.5)
      console.log(`| ${run} | ${label} | ${spread(mine.map(knownShare))} | ${spread(backed.map(knownShare))} |`)
    }
}
