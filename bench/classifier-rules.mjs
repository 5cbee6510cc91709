#!/usr/bin/env node
// Other decision rules tried on the scores another bench dumped (`--dump FILE` of
// classifier-drift.mjs or classifier-cv.mjs): per run, false positives / recall / unsure as the
// build decided and under each rule, and which messages a rule moves, by name. Nothing is trained
// again, so a rule's width can be swept on every drift cell and the CV in seconds (round 36 in
// docs/classifier.md; the rules are bench/decision-rules.mjs's).
//
//   node bench/classifier-rules.mjs FILE [--rules plain,few:25,few:35,alone:0.95,few:25+near:35:0.95,few:25+backed:0.85:0.5] [--moved]
import { readFileSync } from "node:fs"
import { args, opt } from "./classifier-common.mjs"
import { figures, figureText, ruleOf, runsOf } from "./decision-rules.mjs"

const file = args[0]
if (!file || file.startsWith("--")) {
  console.error("usage: node bench/classifier-rules.mjs FILE [--rules few:25,alone:0.95] [--moved]")
  process.exit(2)
}
const names = (opt("rules", "plain,few:25") || "").split(",").filter(Boolean)
const rules = names.map((n) => [n, ruleOf(n)])
const runs = runsOf(
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
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
