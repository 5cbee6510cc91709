#!/usr/bin/env node
// Trains the classifier model shipped in packages/antispam/model/ from the training split of the
// shared corpus (derived token statistics only; the messages never enter the repo).
//
//   node scripts/train-model.mjs [--ham DIR] [--spam DIR] [--out FILE] [--baseline] [--no-one-sided]
//
// Defaults: ../shared/corpus/train/{ham,spam} -> packages/antispam/model/mailmoat-classifier.model.gz.
// --baseline trains plain Robinson/Fisher (no logistic layer), for comparison.
// The tokens of languages the training holds in one class only are set aside from the table, the
// layer fitted without the rule (OneSidedLanguages.ts; rounds 45 and 49 in docs/classifier.md);
// --no-one-sided keeps them (the model of the builds before).
// Needs the built package: npx turbo run build --filter=@mailmoat/antispam
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(fileURLToPath(new URL("..", import.meta.url)))
const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback
}
const { Classifier } = await import(resolve(root, "packages/antispam/dist/index.js"))
const corpus = resolve(root, "../shared/corpus/train")
const hamDir = resolve(opt("ham", resolve(corpus, "ham")))
const spamDir = resolve(opt("spam", resolve(corpus, "spam")))
const out = resolve(opt("out", Classifier.shippedModelPath()))
const t0 = Date.now()
const model = Classifier.train({
  hamDir,
  spamDir,
  out,
  logistic: !args.includes("--baseline"),
  oneSided: !args.includes("--no-one-sided"),
  meta: { source: "SpamAssassin public corpus, train split (../shared/corpus/train)" },
  log: (line) => console.log(line)
})
console.log(`wrote ${out} (${model.tokens.size} tokens) in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
