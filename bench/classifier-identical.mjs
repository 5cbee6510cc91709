#!/usr/bin/env node
// Whether two builds of the classifier give every corpus message the same tokens (in order), the
// same features, and the same probability, chi-square result, clues and `--explain` explanation
// with one model, bit for bit, by `classifyWith` and by a classifier's `classify` (without a
// store, with an empty memory store as the gateway runs, and with a memory store that learned
// the first 10 ham and 10 spam of eval/): the check for a change that must only make
// classification cheaper. Each message is
// parsed once per build (core's parser belongs to the build too). `--peers` adds the peer
// workload's messages (../shared/peers-bench, generated as its gen-corpus.js does, CRLF line
// ends as the gateway receives them: classifier-common.mjs). Prints the number of messages compared and every
// difference (at most 20); exits 1 on any difference, 2 when the corpus is missing.
//
//   node bench/classifier-identical.mjs --against OTHER/packages/antispam/dist/index.js [--model FILE]
//                                       [--corpus DIR] [--peers]
//
// Needs `npx turbo run build --filter=@mailmoat/antispam` in both checkouts.
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { args, corpusDir, loadClassifier, opt, peerMessages, root } from "./classifier-common.mjs"

const corpus = corpusDir()
if (!existsSync(join(corpus, "train"))) {
  console.error(`no corpus at ${corpus}`)
  process.exit(2)
}
const against = opt("against", undefined)
if (against === undefined) {
  console.error("--against OTHER/packages/antispam/dist/index.js is required")
  process.exit(2)
}
const modelFile = resolve(opt("model", join(root, "packages/antispam/model/mailmoat-classifier.model.gz")))
const This = await loadClassifier()
const Other = (await import(resolve(against))).Classifier
const thisModel = This.loadModel(modelFile)
const otherModel = Other.loadModel(modelFile)

// Object.is for numbers (so -0, NaN and the last bit count), element by element for arrays.
const same = (a, b) => {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]))
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => same(a[k], b[k]))
  }
  return Object.is(a, b)
}
const view = async (C, model, [classifier, viaStore, learned], bytes) => {
  const message = C.parseMessage(bytes)
  const tokens = C.tokenize(message)
  const c = C.classifyWith(model, message)
  const async = await classifier.classify(C.parseMessage(bytes))
  return {
    tokens: tokens.tokens,
    features: tokens.features,
    probability: c.probability,
    class: c.class,
    chi: c.score?.chi,
    clues: c.score?.clues,
    explanation: C.explain(model, tokens),
    classify: async,
    classifyStore: await viaStore.classify(C.parseMessage(bytes)),
    classifyLearned: await learned.classify(C.parseMessage(bytes))
  }
}
/** A classifier alone, one with an empty memory store, one whose memory store learned `taught`. */
const classifiers = async (C, model, taught) => {
  const learned = C.make({ model, store: C.makeMemoryTokenStore() })
  for (const [bytes, label] of taught) await learned.learn(C.parseMessage(bytes), label)
  return [C.make({ model }), C.make({ model, store: C.makeMemoryTokenStore() }), learned]
}
const taught = ["ham", "spam"].flatMap((label) =>
  This.listFiles(join(corpus, "eval", label))
    .slice(0, 10)
    .map((file) => [readFileSync(file), label])
)
const thisClassifier = await classifiers(This, thisModel, taught)
const otherClassifier = await classifiers(Other, otherModel, taught)

const messages = []
for (const split of ["eval", "train"])
  for (const label of ["ham", "spam"])
    for (const file of This.listFiles(join(corpus, split, label))) messages.push({ file, bytes: readFileSync(file) })
if (args.includes("--peers")) messages.push(...peerMessages())

let compared = 0
let differences = 0
for (const { file, bytes } of messages) {
  const a = await view(This, thisModel, thisClassifier, bytes)
  const b = await view(Other, otherModel, otherClassifier, bytes)
  compared++
  for (const k of Object.keys(a))
    if (!same(a[k], b[k])) {
      if (++differences <= 20) console.log(`DIFFERENT ${k}: ${file}`)
      break
    }
}
console.log(
  `${compared} messages compared: ${differences} differ (tokens, features, probability, chi-square, clues, explanation, classify: alone, empty store, learned)`
)
process.exit(differences === 0 ? 0 : 1)
