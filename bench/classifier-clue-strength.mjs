#!/usr/bin/env node
// How many strong clues each side a message's words give (f(w) >= 0.9 towards spam, <= 0.1
// towards ham, of the word clues the chi-square step combines), for the false positives, the ham
// the classifier is unsure of, the spam it misses and, as quantiles, the spam it catches: the
// count behind round 14's first candidate in docs/classifier.md (whether "a few strong spam words
// outweigh everything" tells the false positives from spam).
//
//   node bench/classifier-clue-strength.mjs [--run split|old-new|new-old] [--corpus DIR] [--dist PATH/index.js]
//
// `split` scores eval/ with the shipped model (or --model FILE); `old-new` and `new-old` train on
// one era of train/ and score the other, as bench/classifier-drift.mjs does.
// Needs `npx turbo run build --filter=@mailmoat/antispam`; exits 2 without a corpus.
import { readFileSync } from "node:fs"
import { basename, join } from "node:path"
import { corpusOrExit, loadClassifier, loadModelOption, opt } from "./classifier-common.mjs"

const corpus = corpusOrExit()
const Classifier = await loadClassifier()
const run = opt("run", "split")
const load = (dir, label) =>
  Classifier.listFiles(dir).map((f) => ({
    name: basename(f),
    label,
    tokens: Classifier.tokenize(Classifier.parseMessage(readFileSync(f)))
  }))
const subset = (name) => name.slice(0, name.indexOf("."))
const interleave = (items) => {
  const ham = items.filter((i) => i.label === "ham")
  const spam = items.filter((i) => i.label === "spam")
  const out = []
  let i = 0
  let j = 0
  while (i < ham.length || j < spam.length) {
    if (j >= spam.length || (i < ham.length && i / (i + j + 1) <= ham.length / items.length)) out.push(ham[i++])
    else out.push(spam[j++])
  }
  return out
}

let model
let test
if (run === "split") {
  model = await loadModelOption(Classifier)
  test = [...load(join(corpus, "eval/ham"), "ham"), ...load(join(corpus, "eval/spam"), "spam")]
} else {
  const all = [...load(join(corpus, "train/ham"), "ham"), ...load(join(corpus, "train/spam"), "spam")]
  const OLD = new Set(["easy_ham", "spam"])
  const NEW = new Set(["easy_ham_2", "spam_2"])
  const [from, to] = run === "new-old" ? [NEW, OLD] : [OLD, NEW]
  model = Classifier.trainTokens(interleave(all.filter((i) => from.has(subset(i.name)))))
  test = all.filter((i) => to.has(subset(i.name)))
}

const rows = test.map((it) => {
  const s = Classifier.score(model, it.tokens)
  const clues = []
  for (const t of it.tokens.tokens) {
    if (t.startsWith("feat:")) continue
    const c = model.tokens.get(t)
    if (!c) continue
    const f = Classifier.tokenProbability(c[0], c[1], model.nham, model.nspam, model.options)
    if (Math.abs(f - 0.5) >= model.options.minDev) clues.push(f)
  }
  const spamSide = clues.filter((f) => f > 0.5).length
  return {
    ...it,
    p: s.probability,
    chi: s.chi,
    clues: clues.length,
    strongSpam: clues.filter((f) => f >= 0.9).length,
    strongHam: clues.filter((f) => f <= 0.1).length,
    share: spamSide / Math.max(1, clues.length)
  }
})
const line = (r) =>
  `  ${r.name.slice(0, 24).padEnd(24)} p ${r.p.toFixed(3)}  tokens alone ${r.chi.probability.toFixed(3)}  clues ${r.clues}  strong spam ${r.strongSpam}  strong ham ${r.strongHam}  spam-side share ${r.share.toFixed(2)}  S ${r.chi.spam.toFixed(2)}  H ${r.chi.ham.toFixed(2)}`
const group = (title, pick) => {
  const picked = rows.filter(pick)
  console.log(`${title} (${picked.length})`)
  for (const r of picked) console.log(line(r))
}
group("false positives", (r) => r.label === "ham" && r.p >= 0.9)
group("ham at 0.5-0.9", (r) => r.label === "ham" && r.p >= 0.5 && r.p < 0.9)
group("spam not called spam", (r) => r.label === "spam" && r.p < 0.9)
const caught = rows.filter((r) => r.label === "spam" && r.p >= 0.9)
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]
console.log(`spam caught (${caught.length}), quantiles 10 / 50 / 90 %:`)
for (const key of ["clues", "strongSpam", "strongHam", "share"])
  console.log(
    `  ${key.padEnd(10)} ${[0.1, 0.5, 0.9]
      .map((q) =>
        quantile(
          caught.map((r) => r[key]),
          q
        )
      )
      .join(" / ")}`
  )
