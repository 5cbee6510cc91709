#!/usr/bin/env node
// Measures how the classifier holds up when the mail changes: trains on one era of the training
// split and evaluates on the other, in both directions, plus the usual train/ -> eval/ figure.
// Subsets are the file-name prefixes of ../shared/corpus/train: easy_ham + spam are 2002 mail,
// easy_ham_2 + spam_2 are 2003-2005 (hard_ham is left out of the drift runs: it has no era twin).
// Nothing here trains or tunes on eval/: the eval/ row uses a model trained on train/ only.
//
//   node bench/classifier-drift.mjs [--corpus DIR] [--only split,old-new,new-old] [--chi s=0.45,minDev=0.1] [--fit hamWeight=1] [--shift 0.3,0.1,0]
//                                  [--twin 0.05] [--late feat:NAME,...|none] [--without feat:NAME,...] [--known 0.1] [--bands 0.2:0.9,0.2:0.95] [--decision plain] [--json] [--explain] [--weights] [--dump FILE]
//                                  [--sweep [--sweep-spam 0.8,0.85,0.9] [--sweep-ham 0.1,0.2,0.3]] [--show NAME,...]
//
// --weights prints each run's fitted layer (bias and non-zero weights) on stderr.
//
// --explain prints, per run, every false positive and every spam not called spam with the
// classifier's reasons (as `mailmoat eval --explain`).
//
// --show NAME,... prints the same for the test messages whose file names start with one of NAMEs
// (say `easy_ham_2.01041,spam_2.00199`), in every run, whatever their verdict: how a message near
// a cut-off moves between builds, which `--explain` shows only on the side where it is an error.
//
// --known F[,F2,...] scores the test messages as if the token table knew only the share F of their
// tokens (chosen by a hash of the token, the same for every message and run; `feat:` tokens are
// always known): mail from another source and era, whose words the table has mostly never seen,
// as on the hidden 2010 corpus. It shows what the structural features decide on their own.
// Several shares (`--known 1,0.1,0`) score one trained model per run at each share, which gives
// the figures of separate runs (one model per run either way) in a third of the time.
//
// --late feat:NAME,... fits those layer inputs in a second stage, the bias and every other weight
// held as the first stage fitted them; `--late feat:A/feat:B,feat:C` fits stages in order, each with
// everything before held (`--late none`: one joint fit; absent: the build's own `LATE_INPUT_STAGES`;
// rounds 26 and 27).
//
// --without feat:NAME,... takes those features out of every message's tokens before training and
// scoring: one build with several candidate features measures each alone, or any subset, against the
// build without them (round 27).
//
// --no-one-sided trains with the tokens of languages the training holds in one class only kept
// (OneSidedLanguages.ts sets them aside by default since round 49); classifier-cv.mjs takes it too.
//
// --drop chi:logit,... fits the layer without those inputs (the layer gives them no weight).
// --disc on trains with the discriminative token model as one more layer input; --disc k=v,... tries its
// options (round 15).
//
// --decision plain classes by the probability alone, without round 30's rule that a spam verdict
// resting on a few words alone is unsure (Classifier.decide): the rule's effect in one build.
//
// --dump FILE writes every scored message of every run as a JSON line (bench/classifier-dump.mjs):
// other decision rules tried on the same scores (bench/classifier-rules.mjs).
//
// --bands H:S,... also prints each run's figures with other cut-offs (ham below H, spam at or
// above S), from the same probabilities: what moving the unsure band would trade.
//
// --sweep prints, per run, false positives, recall and unsure for several cut-offs from the same
// scores (`--sweep-spam 0.8,0.85,...`, `--sweep-ham 0.1,...`), how the ham at or above 0.5 is spread,
// the ham nearest the spam cut-off and the spam just under it (bench/classifier-sweep.mjs).
//
// Also prints where the time goes (parse, tokenize, score), one core, messages already in memory.
// Needs `npx turbo run build --filter=@mailmoat/antispam`.
import { readFileSync } from "node:fs"
import { basename, join } from "node:path"
import { args, corpusDir, decision, lateOption, loadClassifier, opt, withoutOption } from "./classifier-common.mjs"
import { sweepLines } from "./classifier-sweep.mjs"
import { dumpOption } from "./classifier-dump.mjs"

const corpus = corpusDir()
const only = opt("only", "split,old-new,new-old").split(",")
const shown = (opt("show", "") || "").split(",").filter(Boolean)
const isShown = (name) => shown.some((prefix) => name.startsWith(prefix))
// Chi-square options to try (defaults: the shipped ones), e.g. --chi s=1,minDev=0.2
const pairs = (name) =>
  Object.fromEntries(
    (opt(name, "") || "")
      .split(",")
      .filter(Boolean)
      .map((kv) => [kv.split("=")[0], Number(kv.split("=")[1])])
  )
const chiOptions = pairs("chi")
// Logistic fit options to try, e.g. --fit hamWeight=2,l2=0.01
const fitOptions = pairs("fit")
// Shares of the token table known in the vocabulary-shift samples, e.g. --shift 0.3,0.1,0
const shift = opt("shift", undefined)?.split(",").map(Number)
// Weight of the padded spam twins, e.g. --twin 0 (none) or --twin 0.25
const twin = opt("twin", undefined)
const twinWeight = twin === undefined ? undefined : Number(twin)
// The discriminative token model (Discriminative.ts; off unless given): --disc on (its defaults), or
// its fit options, e.g. --disc epochs=10,l2=0.003,learningRate=2,feat=1 (feat=1: `feat:` tokens too).
const discOption = opt("disc", undefined)
const discriminative =
  discOption === undefined || discOption === "off"
    ? undefined
    : discOption === "on"
      ? {}
      : (({ feat, ...rest }) => ({ ...rest, ...(feat ? { include: () => true } : {}) }))(pairs("disc"))
const explain = args.includes("--explain")
const bands = (opt("bands", "") || "")
  .split(",")
  .filter(Boolean)
  .map((b) => ({ hamBelow: Number(b.split(":")[0]), spamAbove: Number(b.split(":")[1]) }))
const knownShares = opt("known", undefined) === undefined ? [undefined] : opt("known", undefined).split(",").map(Number)
// FNV-1a of a token, in [0, 1): which tokens the table "knows" under --known.
const hashShare = (token) => {
  let h = 0x811c9dc5
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193)
  return (h >>> 0) / 2 ** 32
}
// A token the table is made not to know is renamed, not left out: the message still has the word,
// which the scorer counts in the share of its words it knows (Classifier.decide, round 37).
const UNSEEN = "\u0000unseen:"
const seen = (tokens, known) =>
  known === undefined || known >= 1
    ? tokens
    : { ...tokens, tokens: tokens.tokens.map((t) => (t.startsWith("feat:") || hashShare(t) < known ? t : UNSEEN + t)) }
const Classifier = await loadClassifier()
// The scorer tags a message of few clues with its language (round 53); under --known it sees the
// renamed tokens, which read as no language, while the message still has its words: the tag it
// asked for is made from the message's own tokens.
const tagged = (s, tokens) => (s.language === undefined ? s : { ...s, language: Classifier.languageOf(tokens.tokens) })
const decideOf = decision(Classifier)
const dump = dumpOption(Classifier)
const lateStages = lateOption()
const without = withoutOption()

const timing = { parse: 0, tokenize: 0, messages: 0 }
const load = (dir, label) =>
  Classifier.listFiles(dir).map((path) => {
    const bytes = readFileSync(path)
    const t0 = performance.now()
    const message = Classifier.parseMessage(bytes)
    // Core decodes MIME lazily: touch it here so that parse time includes decoding.
    void message.body
    void message.received
    const t1 = performance.now()
    const tokens = without(Classifier.tokenize(message))
    const t2 = performance.now()
    timing.parse += t1 - t0
    timing.tokenize += t2 - t1
    timing.messages++
    return { name: basename(path), label, tokens, gtube: Classifier.hasGtube(message) }
  })

const subset = (name) => name.slice(0, name.indexOf("."))
const train = [...load(join(corpus, "train/ham"), "ham"), ...load(join(corpus, "train/spam"), "spam")]
const evalItems = only.includes("split")
  ? [...load(join(corpus, "eval/ham"), "ham"), ...load(join(corpus, "eval/spam"), "spam")]
  : []
const OLD = new Set(["easy_ham", "spam"])
const NEW = new Set(["easy_ham_2", "spam_2"])

const interleave = (items) => {
  const ham = items.filter((i) => i.label === "ham")
  const spam = items.filter((i) => i.label === "spam")
  const out = []
  const ratio = ham.length / Math.max(1, items.length)
  let i = 0
  let j = 0
  while (i < ham.length || j < spam.length) {
    if (j >= spam.length || (i < ham.length && i / (i + j + 1) <= ratio)) out.push(ham[i++])
    else out.push(spam[j++])
  }
  return out
}

let scoreMillis = 0
let scored = 0
const run = (name, trainSet, testSet) => {
  const model = Classifier.trainTokens(interleave(trainSet), {
    options: chiOptions,
    fit: fitOptions,
    shift,
    twinWeight,
    discriminative,
    dropInputs: opt("drop", undefined)?.split(","),
    lateStages,
    oneSided: !args.includes("--no-one-sided")
  })
  if (args.includes("--weights")) printLayer(name, model.logistic)
  return knownShares.map((known) =>
    measure(known === undefined ? name : `${name}, ${known * 100} % known`, model, known, testSet)
  )
}

// --weights: the fitted layer of each run, bias first, then the inputs by weight.
const printLayer = (name, layer) => {
  if (!layer) return
  const weights = Object.entries(layer.weights)
    .filter(([, w]) => w !== 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, w]) => `${k} ${w}`)
  console.error(`${name} layer: bias ${layer.bias}; ${weights.join(", ")}`)
}

const measure = (name, model, known, testSet) => {
  const classes = { ham: [], spam: [] }
  const probabilities = { ham: [], spam: [] }
  const errors = []
  const pointScores = []
  for (const it of testSet) {
    const t0 = performance.now()
    const given = seen(it.tokens, known)
    const s = it.gtube ? undefined : tagged(Classifier.score(model, given), it.tokens)
    const p = s === undefined ? 1 : s.probability
    scoreMillis += performance.now() - t0
    scored++
    const c = decideOf(model, s, p)
    dump(name, model, it, s, c, given)
    classes[it.label].push(c)
    probabilities[it.label].push(p)
    pointScores.push({ name: it.name, label: it.label, p })
    const error = (it.label === "ham" && c === "spam") || (it.label === "spam" && c !== "spam")
    if ((explain && error) || isShown(it.name))
      errors.push({ name: it.name, label: it.label, c, error, e: Classifier.explain(model, seen(it.tokens, known)) })
  }
  const e = Classifier.summarise(classes.ham, classes.spam, 0)
  const banded = bands.map((b) => ({
    ...b,
    ...Classifier.summarise(
      probabilities.ham.map((p) => Classifier.classOf(p, b)),
      probabilities.spam.map((p) => Classifier.classOf(p, b)),
      0
    )
  }))
  const sweep = args.includes("--sweep") ? sweepLines(pointScores, Classifier.defaultCutoffs) : []
  return { experiment: name, train: { ham: model.nham, spam: model.nspam }, ...e, bands: banded, sweep, errors }
}

const results = []
if (only.includes("split")) results.push(...run("train/ -> eval/", train, evalItems))
if (only.includes("old-new"))
  results.push(
    ...run(
      "2002 -> 2003-05",
      train.filter((i) => OLD.has(subset(i.name))),
      train.filter((i) => NEW.has(subset(i.name)))
    )
  )
if (only.includes("new-old"))
  results.push(
    ...run(
      "2003-05 -> 2002",
      train.filter((i) => NEW.has(subset(i.name))),
      train.filter((i) => OLD.has(subset(i.name)))
    )
  )

const pct = (x) => `${(x * 100).toFixed(2)}%`
const ci = ([lo, hi]) => `[${(lo * 100).toFixed(2)}, ${(hi * 100).toFixed(2)}]`
const perSecond = (ms, n) => (ms > 0 ? Math.round((n * 1000) / ms) : 0)
const speed = {
  parse: perSecond(timing.parse, timing.messages),
  tokenize: perSecond(timing.tokenize, timing.messages),
  score: perSecond(scoreMillis, scored),
  classify: perSecond(timing.tokenize + (scoreMillis * timing.messages) / Math.max(1, scored), timing.messages)
}
if (args.includes("--json")) console.log(JSON.stringify({ results, speed }, null, 2))
else {
  for (const r of results) {
    const c = r.counts
    console.log(
      `${r.experiment}  (trained on ${r.train.ham} ham, ${r.train.spam} spam; tested on ${c.ham} ham, ${c.spam} spam)`
    )
    console.log(`  FPR    ${pct(r.falsePositiveRate)} ${ci(r.intervals.falsePositiveRate)}  (${c.falsePositives})`)
    console.log(`  recall ${pct(r.recall)} ${ci(r.intervals.recall)}`)
    console.log(
      `  unsure ${pct(r.unsureRate)} ${ci(r.intervals.unsureRate)}  (${c.hamAsUnsure} ham, ${c.spamAsUnsure} spam)`
    )
    for (const b of r.bands) {
      const bc = b.counts
      console.log(
        `  band ${b.hamBelow}..${b.spamAbove}: FPR ${pct(b.falsePositiveRate)} (${bc.falsePositives}), recall ${pct(b.recall)}, unsure ${pct(b.unsureRate)}`
      )
    }
    for (const line of r.sweep) console.log(line)
    for (const { name, label, c, error, e } of r.errors) {
      const kind = !error
        ? `SHOWN ${label.toUpperCase()} (${c})`
        : label === "ham"
          ? "FALSE POSITIVE"
          : c === "unsure"
            ? "UNSURE SPAM"
            : "MISSED SPAM"
      const two = (x) => x.toFixed(2)
      console.log(`    ${kind} ${name}  p=${e.probability.toFixed(3)} (tokens alone ${e.tokenProbability.toFixed(3)})`)
      console.log(`      inputs: ${e.contributions.map(([k, v]) => `${k} ${v >= 0 ? "+" : ""}${two(v)}`).join(", ")}`)
      console.log(`      tokens: ${e.clues.map(([t, f]) => `${t}=${two(f)}`).join(" ")}`)
    }
  }
  console.log(
    `msg/s per core: parse ${speed.parse}, tokenize ${speed.tokenize}, score ${speed.score}; classification (tokenize + score) ${speed.classify}`
  )
}
