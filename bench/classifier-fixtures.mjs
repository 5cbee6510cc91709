// Classifies message files one by one and says why: each message's class under the build's
// decision and under round 30's (the probability's band, a spam verdict on a few words alone
// unsure, without round 37's lean on the form), its probability, the form's probability (the
// layer with no word known), how much of its vocabulary the model knows, and the signed features
// that fired with their weights. Written for the non-English fixtures of
// packages/antispam/test/classifier/fixtures/languages/ (round 41 in docs/classifier.md); since
// round 62 also reads the 2010-era fixtures of fixtures/era2010/, counted apart.
//
//   node bench/classifier-fixtures.mjs [DIR ...] [--dist BUILD/index.js] [--model FILE] [--tokens]
//
// DIR defaults to the ham/ and spam/ of both fixture sets; a file's expected label is its folder's
// name when that is ham or spam, and its set the folder above. --tokens lists the words the model knows (clues) for each message.
import { readdirSync, readFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { args, loadClassifier, loadModelOption, root } from "./classifier-common.mjs"
import { vocabulary } from "./classifier-dump.mjs"

const FIXTURES = join(root, "packages/antispam/test/classifier/fixtures")
const SETS = ["languages", "era2010"]
const dirs = args.filter((a, i) => !a.startsWith("--") && !(args[i - 1] ?? "").match(/^--(dist|model)$/))
const Classifier = await loadClassifier()
const model = loadModelOption(Classifier)
const layer = model.logistic
const weights = layer?.weights ?? {}

/** Round 30's decision: the band, with a spam verdict resting on a few words alone unsure. */
const round30 = (score) => {
  const c = Classifier.classOf(score.probability)
  return c === "spam" && Classifier.restsOnFewWords?.(layer, score, Classifier.defaultCutoffs) ? "unsure" : c
}

/**
 * The known share over the text's words alone: the distinct tokens without a `name:` prefix (the
 * body's words; header, link, statistics and shape tokens all have one), clues among them.
 */
const textShare = (all) => {
  const words = [...new Set(all)].filter((t) => !/^[a-z-]+:/.test(t) && !t.startsWith("skip:"))
  if (words.length === 0) return 1
  const o = model.options
  let clues = 0
  for (const t of words) {
    const c = model.tokens.get(t)
    if (c && Math.abs(Classifier.tokenProbability(c[0], c[1], model.nham, model.nspam, o) - 0.5) >= o.minDev) clues++
  }
  return clues / words.length
}

const counts = new Map()
const count = (key) => counts.set(key, (counts.get(key) ?? 0) + 1)
const defaults = SETS.flatMap((set) => [join(FIXTURES, set, "ham"), join(FIXTURES, set, "spam")])
for (const dir of dirs.length > 0 ? dirs : defaults) {
  const label = ["ham", "spam"].includes(basename(dir)) ? basename(dir) : "?"
  const set = basename(dirname(dir))
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".eml"))
    .sort()) {
    const message = Classifier.parseMessage(readFileSync(join(dir, file)))
    const tokens = Classifier.tokenize(message)
    const score = Classifier.score(model, tokens)
    const c = Classifier.decide(model, score)
    const before = round30(score)
    const v = vocabulary(Classifier, model, tokens.tokens, tokens.tokens)
    const known = v.words === 0 ? 1 : v.clueWords / v.words
    const text = textShare(tokens.tokens)
    const form = layer === undefined ? NaN : Classifier.formProbability(layer, score.features)
    const fired = score.features
      .filter((f) => (weights[`feat:${f}`] ?? 0) !== 0)
      .map((f) => `${f}${weights[`feat:${f}`] > 0 ? "+" : ""}${weights[`feat:${f}`].toFixed(2)}`)
    count(`${set} ${label} ${c}`)
    count(`${set} ${label} ${before} (round 30)`)
    console.log(
      `${label} ${file.padEnd(44)} ${c.padEnd(6)} r30 ${before.padEnd(6)} p ${score.probability.toFixed(3)} form ${form.toFixed(3)} ` +
        `known ${known.toFixed(3)} (${v.clueWords}/${v.words}) text ${text.toFixed(3)} clues ${score.chi.used} chi ${score.chi.probability.toFixed(3)}\n    ${fired.join(" ")}`
    )
    if (args.includes("--tokens")) {
      const table = model.tokens
      const seen = [...new Set(tokens.tokens)].filter((t) => !t.startsWith("feat:") && table.has(t))
      console.log(`    known: ${seen.slice(0, 40).join(" ")}`)
      console.log(`    clues: ${score.clues.map(([t, f]) => `${t}=${f.toFixed(2)}`).join(" ")}`)
    }
  }
}
console.log("\nclass counts:")
for (const [k, n] of [...counts].sort()) console.log(`  ${k}: ${n}`)
